// A CommandRunner for unit tests of agent ops: answers each command from a queue of
// scripted results (matched on command and arguments) and logs every call, so a test
// can assert both what an op did and what it ran. Unmatched calls fail the test loudly.
import { PassThrough } from 'node:stream';
import { makeRecord, type CommandName, type CommandRunner, type RunResult, type RunSpec, type StreamSpec, type StreamingRun } from '../../agent/platform/command-runner.js';

export interface ScriptedReply {
  command: CommandName;
  /** Exact arguments, or a predicate on them. */
  args?: string[] | ((args: string[]) => boolean);
  exitCode?: number;
  stdout?: string;
  stderr?: string;
  timedOut?: boolean;
  /** Stays in the queue and answers every matching call. */
  repeat?: boolean;
}

export class ScriptedRunner implements CommandRunner {
  readonly calls: RunSpec[] = [];
  private readonly replies: ScriptedReply[];

  constructor(replies: ScriptedReply[] = []) {
    this.replies = [...replies];
  }

  add(...replies: ScriptedReply[]): this {
    this.replies.push(...replies);
    return this;
  }

  argvOf(spec: Pick<RunSpec, 'command' | 'args'>): string[] {
    return [`/usr/sbin/${spec.command}`, ...spec.args];
  }

  async run(spec: RunSpec): Promise<RunResult> {
    this.calls.push(spec);
    const index = this.replies.findIndex(
      (r) =>
        r.command === spec.command &&
        (r.args === undefined ||
          (typeof r.args === 'function' ? r.args(spec.args) : JSON.stringify(r.args) === JSON.stringify(spec.args))),
    );
    if (index < 0) throw new Error(`ScriptedRunner: no scripted reply for ${spec.command} ${spec.args.join(' ')}`);
    const reply = this.replies[index]!;
    if (!reply.repeat) this.replies.splice(index, 1);
    const exitCode = reply.timedOut ? -1 : (reply.exitCode ?? 0);
    const record = makeRecord(this.argvOf(spec), exitCode, reply.stdout ?? '', reply.stderr ?? '', Date.now(), 1, reply.timedOut);
    return { record, stdout: reply.stdout ?? '', stderr: reply.stderr ?? '', timedOut: reply.timedOut === true, cancelled: false };
  }

  start(spec: StreamSpec): StreamingRun {
    const stdout = spec.stdoutStream ? new PassThrough() : null;
    const stdin = spec.stdinStream ? new PassThrough() : null;
    stdin?.resume();
    const done = this.run(spec).then((r) => {
      stdout?.end(r.stdout);
      return { ...r, stdout: '' };
    });
    return { stdout, stdin, done };
  }

  /** The argument vectors run so far, as "cmd arg arg" strings. */
  get commandLines(): string[] {
    return this.calls.map((c) => [c.command, ...c.args].join(' '));
  }
}
