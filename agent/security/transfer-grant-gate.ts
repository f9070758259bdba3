// The source agent's check of an archive stream's transfer grant (README "Security"):
// the peer agent asking for the stream must be the target the coordinator named, for
// this zone, zonepath, epoch and op, before the grant expires, and only once: each
// grant's nonce is recorded (fsynced) before a byte is streamed, and a nonce seen before
// is refused, across restarts too.
import path from 'node:path';
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';
import { readFileIfExists, writeFileDurable } from '../../shared/fs/atomic-file.js';
import type { TransferGrant } from '../../shared/gen/twinzone/v1/agent.js';
import type { Clock } from '../../shared/time/clock.js';
import type { Caller } from '../../shared/tls/roles.js';
import { GrantError, verifyTransferGrant } from '../../shared/tls/transfer-grant.js';

export interface StreamRequestFacts {
  rpc: 'StreamZonepathOut' | 'StreamArchiveFileOut';
  caller: Caller | undefined;
  zone: string;
  /** The zonepath or archive file streamed out. */
  path: string;
  opId: string;
  epoch: number;
}

/** The suffix the target adds to its PullZonepath op id for the stream it opens. */
export const STREAM_OP_SUFFIX = ':out';

export class TransferGrantGate {
  private readonly file: string;

  constructor(private readonly o: { host: string; ca: Buffer; stateDir: string; clock: Clock }) {
    this.file = path.join(o.stateDir, 'transfer-grants.json');
  }

  /** Throws PERMISSION_DENIED unless GRANT admits this stream; consumes it when it does. */
  admit(grant: TransferGrant | undefined, f: StreamRequestFacts): void {
    const who = f.caller ? `agent ${f.caller.name}` : 'an unnamed caller';
    const refuse = (why: string) => new TwinzoneError('PERMISSION_DENIED', `${f.rpc} of ${f.path} refused for ${who}: ${why}`, {
      fields: { rpc: f.rpc, ...(f.caller ? { who: f.caller.name } : {}), zone: f.zone },
    });
    if (!grant) throw refuse('it carries no transfer grant from the coordinator');
    const nowMs = this.o.clock.nowMs();
    let claims;
    try {
      claims = verifyTransferGrant(grant, this.o.ca, nowMs);
    } catch (err) {
      if (err instanceof GrantError) throw refuse(err.message);
      throw err;
    }
    if (claims.sourceHost !== this.o.host) throw refuse(`the grant is for a transfer from ${claims.sourceHost}, not from this host (${this.o.host})`);
    if (!f.caller || claims.targetHost !== f.caller.name) throw refuse(`the coordinator named ${claims.targetHost} as the target of this transfer`);
    if (claims.zone !== f.zone || claims.zonepath !== f.path) throw refuse(`the grant is for ${claims.zone} at ${claims.zonepath}`);
    if (claims.epoch !== f.epoch || `${claims.opId}${STREAM_OP_SUFFIX}` !== f.opId) throw refuse(`the grant is for op ${claims.opId} at epoch ${claims.epoch}`);
    const used = this.read();
    if (used[claims.nonce] !== undefined) throw refuse('its transfer grant was already used; every transfer needs a fresh grant from the coordinator');
    // Recorded before streaming: a crash after this cannot let the grant be replayed.
    for (const [nonce, notAfterMs] of Object.entries(used)) if (notAfterMs < nowMs) delete used[nonce];
    used[claims.nonce] = claims.notAfterMs;
    writeFileDurable(this.file, JSON.stringify(used) + '\n');
  }

  private read(): Record<string, number> {
    const text = readFileIfExists(this.file);
    return text ? (JSON.parse(text) as Record<string, number>) : {};
  }
}
