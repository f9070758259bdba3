// RunHook (README "Hooks"): the agent runs an operator's hook only when it lies under its
// configured hooks directory, so a coordinator (or whoever holds its certificate) can
// make a host run what its administrator installed there and nothing else. The path is
// resolved through symbolic links before the check: a link in hooksDir pointing out of
// it is refused like the path it points to.
import fs from 'node:fs';
import path from 'node:path';
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';
import type { Logger } from '../../shared/log/create-logger.js';
import type { ExecutableResult, ExecutableRunner } from '../../shared/process/run-executable.js';

export interface HookCall {
  argv: string[];
  env: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface HookRun extends ExecutableResult {
  /** The executable as resolved under hooksDir. */
  path: string;
}

/** Only names the hook scripts need; the agent's own environment stays as it is. */
const HOOK_ENV_NAME = /^TWINZONE_[A-Z0-9_]+$/;
export const DEFAULT_AGENT_HOOK_TIMEOUT_MS = 60_000;

function realOrNull(p: string): string | null {
  try {
    return fs.realpathSync(p);
  } catch {
    return null;
  }
}

/** The hook's executable under hooksDir, or the refusal saying why not. */
export function resolveHookPath(hooksDir: string, name: string): string {
  if (!name) throw new TwinzoneError('INVALID_ARGUMENT', 'the hook names no executable (argv is empty)', { fields: { field: 'argv' } });
  const asked = path.isAbsolute(name) ? path.normalize(name) : path.join(hooksDir, name);
  const dir = realOrNull(hooksDir);
  if (dir === null) {
    throw new TwinzoneError('INVALID_ARGUMENT', `the agent's hooks directory ${hooksDir} does not exist; create it and install the hook ${path.basename(asked)} there`, {
      fields: { field: 'argv', hooksDir },
    });
  }
  const real = realOrNull(asked);
  // Both as written ("../" cannot climb out) and as resolved (nor can a symbolic link).
  const lexicallyInside = asked.startsWith(path.normalize(hooksDir) + path.sep);
  if (!lexicallyInside || (real !== null && !real.startsWith(dir + path.sep))) {
    throw new TwinzoneError('PERMISSION_DENIED', `${asked} is outside the agent's hooks directory ${hooksDir}; this agent runs only hooks installed there`, {
      fields: { field: 'argv', path: asked, hooksDir },
    });
  }
  if (real === null) throw new TwinzoneError('INVALID_ARGUMENT', `hook ${asked} does not exist; install it under ${hooksDir}`, { fields: { field: 'argv', path: asked } });
  const st = fs.statSync(real);
  if (!st.isFile() || (st.mode & 0o111) === 0) {
    throw new TwinzoneError('INVALID_ARGUMENT', `hook ${asked} is not an executable file; chmod +x it (mode ${(st.mode & 0o777).toString(8)})`, { fields: { field: 'argv', path: asked } });
  }
  return real;
}

export async function runHook(hooksDir: string, run: ExecutableRunner, call: HookCall, log: Logger): Promise<HookRun> {
  const file = resolveHookPath(hooksDir, call.argv[0] ?? '');
  const bad = Object.keys(call.env).find((k) => !HOOK_ENV_NAME.test(k));
  if (bad !== undefined) throw new TwinzoneError('INVALID_ARGUMENT', `hook environment variable ${JSON.stringify(bad)} is not a TWINZONE_* name`, { fields: { field: 'env' } });
  const timeoutMs = call.timeoutMs > 0 ? call.timeoutMs : DEFAULT_AGENT_HOOK_TIMEOUT_MS;
  log.info({ argv: [file, ...call.argv.slice(1)], timeoutMs }, 'hook started');
  const result = await run({ argv: [file, ...call.argv.slice(1)], env: call.env, timeoutMs, ...(call.signal && { signal: call.signal }) });
  log.info({ argv: [file, ...call.argv.slice(1)], exitCode: result.exitCode, durationMs: result.durationMs, timedOut: result.timedOut }, 'hook finished');
  return { ...result, path: file };
}
