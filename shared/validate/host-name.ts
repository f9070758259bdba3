// Host names and network endpoints as the inventory and configuration files give them:
// RFC 1123 host names (what `uname -n` and DNS hold), IPv4/IPv6 literals, HOST:PORT.
// Checked once when a file is loaded, so nothing malformed reaches a gRPC channel.
import net from 'node:net';

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
export const HOST_NAME_MAX = 253;

/** Why a host name is not acceptable, or null. */
export function hostNameProblem(name: string): string | null {
  if (name === '') return 'is empty';
  if (name.length > HOST_NAME_MAX) return `is longer than ${HOST_NAME_MAX} characters`;
  if (!name.split('.').every((label) => LABEL.test(label))) {
    return 'is not a host name (dot-separated labels of letters, digits and "-", each 1-63 long, not starting or ending with "-")';
  }
  return null;
}

/** A host name or an IP address literal. */
export function addressProblem(address: string): string | null {
  if (net.isIP(address) !== 0) return null;
  return hostNameProblem(address) === null ? null : 'is neither an IP address nor a host name';
}

export interface Endpoint {
  host: string;
  port: number;
}

/** Splits HOST:PORT ([v6]:PORT for IPv6); an explanation instead when it is not one. */
export function parseEndpoint(text: string): Endpoint | string {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(text);
  if (!m) return 'must be HOST:PORT (or [IPv6]:PORT)';
  const host = m[1] ?? m[2]!;
  if (m[1] !== undefined && net.isIPv6(host) === false) return `${JSON.stringify(host)} is not an IPv6 address`;
  if (m[2] !== undefined && addressProblem(host) !== null) return `${JSON.stringify(host)} ${addressProblem(host)!}`;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return `port ${port} is out of range (1-65535)`;
  return { host, port };
}
