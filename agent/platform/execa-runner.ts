// The only module that imports execa. Commands run from an argument vector, never
// through a shell, each with a timeout after which it is killed (SIGTERM, then SIGKILL),
// and with the caller's AbortSignal.
import { execa, type ResultPromise } from 'execa';
import type { Logger } from '../../shared/log/create-logger.js';
import type { CommandPaths } from './command-paths.js';
import { makeRecord, type CommandRunner, type RunResult, type RunSpec, type StreamSpec, type StreamingRun } from './command-runner.js';

const KILL_GRACE_MS = 2000;

export class ExecaRunner implements CommandRunner {
  constructor(
    private readonly paths: CommandPaths,
    private readonly log: Logger,
    /** Extra environment for every command (the lab's SOLSIM_* variables). */
    private readonly env: Record<string, string> = {},
  ) {}

  argvOf(spec: Pick<RunSpec, 'command' | 'args'>): string[] {
    return [this.paths[spec.command], ...spec.args];
  }

  run(spec: RunSpec): Promise<RunResult> {
    const child = this.spawn(spec, {});
    return this.finish(spec, child, Date.now(), performance.now());
  }

  start(spec: StreamSpec): StreamingRun {
    const startedAt = Date.now();
    const mono = performance.now();
    const child = this.spawn(spec, { stdinStream: spec.stdinStream, stdoutStream: spec.stdoutStream });
    return {
      stdout: spec.stdoutStream ? child.stdout : null,
      stdin: spec.stdinStream ? child.stdin : null,
      done: this.finish(spec, child, startedAt, mono),
    };
  }

  private spawn(spec: RunSpec, streams: { stdinStream?: boolean; stdoutStream?: boolean }): ResultPromise {
    const [file, ...args] = this.argvOf(spec);
    (spec.log ?? this.log).debug({ cmd: spec.command, argv: [file, ...args] }, 'command started');
    return execa(file!, args, {
      shell: false,
      // A new session without a controlling terminal: pax asks "Archive name >" on
      // /dev/tty for a truncated archive and would wait there until its timeout.
      detached: true,
      reject: false,
      timeout: spec.timeoutMs,
      forceKillAfterDelay: KILL_GRACE_MS,
      cancelSignal: spec.signal,
      cwd: spec.cwd,
      env: this.env,
      extendEnv: true,
      stripFinalNewline: false,
      encoding: 'utf8',
      buffer: { stdout: !streams.stdoutStream, stderr: true },
      ...(spec.input !== undefined ? { input: spec.input } : {}),
      stdin: streams.stdinStream ? 'pipe' : spec.input !== undefined ? 'pipe' : 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
    }) as unknown as ResultPromise;
  }

  private async finish(spec: RunSpec, child: ResultPromise, startedAt: number, mono: number): Promise<RunResult> {
    const result = await child;
    const durationMs = Math.round(performance.now() - mono);
    const stdout = typeof result.stdout === 'string' ? result.stdout : '';
    const stderr = typeof result.stderr === 'string' ? result.stderr : '';
    const timedOut = result.timedOut === true;
    const cancelled = result.isCanceled === true;
    // A command that could not be started (ENOENT) or was killed has no exit code.
    const exitCode = typeof result.exitCode === 'number' ? result.exitCode : -1;
    const errText = result.failed && exitCode === -1 && !timedOut && !cancelled ? `${stderr}${result.shortMessage ?? ''}` : stderr;
    const record = makeRecord(this.argvOf(spec), exitCode, stdout, errText, startedAt, durationMs, timedOut);
    const fields = { cmd: spec.command, argv: record.argv, exitCode, durationMs };
    const log = spec.log ?? this.log;
    if (exitCode === 0) log.debug(fields, 'command finished');
    else log.warn({ ...fields, timedOut, stderr: record.stderr.slice(-500) }, timedOut ? 'command timed out' : 'command failed');
    return { record, stdout, stderr: errText, timedOut, cancelled };
  }
}
