// The `hooks` lists of the inventory (per zone, and per site for every zone whose
// primary twin is there), as zod schemas with the file:line:field errors of the rest of
// the inventory; checkHookHosts() checks the `on: HOST` names against the hosts.
import path from 'node:path';
import { z } from 'zod';
import type { ConfigReader } from '../../shared/config/load-config.js';
import { checkedText, fields, wholeNumber } from '../../shared/config/config-fields.js';
import { DEFAULT_HOOK_TIMEOUT_MS, HOOK_POINTS } from './hook-spec.js';

const HOUR_MS = 3_600_000;

const argvError = (iss: { input?: unknown; code?: string }) =>
  iss.input === undefined ? 'is required (the hook command as a list: executable, then its arguments)' : iss.code === 'too_small' ? 'must name the executable to run' : undefined;

/**
 * One hook: `{ at, argv, on, timeoutMs }`. The executable is a path, as the hooks run
 * without a shell: absolute on the coordinator; through an agent, absolute under the
 * agent's hooksDir or relative to it.
 */
export const HookFile = fields({
  at: z.enum(HOOK_POINTS, { error: `must be one of ${HOOK_POINTS.join(', ')}` }),
  argv: z
    .array(z.string(), { error: argvError })
    .min(1, { error: argvError })
    .refine((argv) => argv[0] !== '', { error: 'must name the executable to run' }),
  on: checkedText((v) => (/^[A-Za-z0-9][A-Za-z0-9.-]{0,254}$/.test(v) ? null : `${JSON.stringify(v)} is not coordinator, source, target or a host name`)).default('coordinator'),
  timeoutMs: wholeNumber(100, HOUR_MS).default(DEFAULT_HOOK_TIMEOUT_MS),
});
export type HookFile = z.output<typeof HookFile>;

export const HooksFile = z.array(HookFile).default([]);

const RUN_HOSTS = new Set(['coordinator', 'source', 'target']);

type HookDraft = { on?: string; argv?: (string | undefined)[] } | undefined;

/** `on: HOST` names a host of the inventory; a coordinator hook names its executable by absolute path. */
export function checkHookHosts(c: ConfigReader, hosts: ReadonlySet<string>, lists: { at: string; hooks: HookDraft[] | undefined }[]): void {
  for (const { at, hooks } of lists) {
    (hooks ?? []).forEach((h, i) => {
      const on = h?.on ?? 'coordinator';
      if (!RUN_HOSTS.has(on) && !hosts.has(on)) {
        c.problem(`${at}.${i}.on`, `${JSON.stringify(on)} is not coordinator, source, target or a host of the inventory (${[...hosts].join(', ')})`);
      }
      const exe = h?.argv?.[0];
      if (on === 'coordinator' && exe && !path.isAbsolute(exe)) {
        c.problem(`${at}.${i}.argv.0`, `${JSON.stringify(exe)} must be an absolute path: hooks run without a shell or a search path`);
      }
    });
  }
}
