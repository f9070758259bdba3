// The C library's date formats the storage commands print, in the host's local time:
// cftime("%a %b %e %H:%M:%S %Y") in mount(1M) and asctime() in zpool's import refusal
// (both give "Tue Mar  4 10:22:33 2025").
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const two = (n: number) => String(n).padStart(2, '0');

export function cftime(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${d.getFullYear()}`;
}

/** asctime(3C): the same text, newline included. */
export function asctime(ms: number): string {
  return cftime(ms) + '\n';
}

/** date(1)'s default format, as shutdown(1M) prints it: "Tue Mar  4 10:22:33 UTC 2025". */
export function dateCommandFormat(ms: number): string {
  const d = new Date(ms);
  const zone =
    new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')
      ?.value ?? 'UTC';
  const parts = cftime(ms).split(' ');
  const year = parts.pop();
  return `${parts.join(' ')} ${zone} ${year}`;
}
