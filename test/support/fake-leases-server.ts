// An in-process Leases service for the agent's lease keeper tests (nice-grpc's loopback
// idea): real grpc-js on 127.0.0.1:0, with answers a test scripts per call: renew
// everything, refuse, hold the reply, or be unreachable.
import { status, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import {
  LeasesService,
  type HostLease,
  type ListHostLeasesRequest,
  type ListHostLeasesResponse,
  type RenewLeasesRequest,
  type RenewLeasesResponse,
} from '../../shared/gen/twinzone/v1/leases.js';
import { createLogger } from '../../shared/log/create-logger.js';
import { startServer, type RunningServer } from '../../shared/grpc/serve.js';

export type RenewAnswer = RenewLeasesResponse | 'unavailable';

export class FakeLeasesServer {
  leases: HostLease[] = [];
  renewIntervalMs = 0;
  readonly renewals: RenewLeasesRequest[] = [];
  readonly lists: ListHostLeasesRequest[] = [];
  /** How a renewal is answered; default: every zone renewed for its listed TTL. */
  answer: (req: RenewLeasesRequest) => RenewAnswer | Promise<RenewAnswer> = (req) => this.renewAll(req);
  unreachable = false;
  private server: RunningServer | null = null;

  get address(): string {
    if (!this.server) throw new Error('FakeLeasesServer not started');
    return this.server.address;
  }

  renewAll(req: RenewLeasesRequest): RenewLeasesResponse {
    return {
      results: req.renewals.map((r) => ({ zone: r.zone, renewed: true, epoch: r.epoch, ttlMs: this.leases.find((l) => l.zone === r.zone)?.ttlMs ?? 0, code: '', reason: '' })),
      renewIntervalMs: this.renewIntervalMs,
    };
  }

  async start(): Promise<this> {
    this.server = await startServer({
      bind: '127.0.0.1:0',
      log: createLogger({ name: 'coordinator', level: 'silent' }),
      services: [{
        definition: LeasesService,
        implementation: {
          listHostLeases: (call: ServerUnaryCall<ListHostLeasesRequest, ListHostLeasesResponse>, cb: sendUnaryData<ListHostLeasesResponse>) => {
            this.lists.push(call.request);
            if (this.unreachable) return cb({ code: status.UNAVAILABLE, details: 'fake: unreachable' });
            cb(null, { leases: this.leases, renewIntervalMs: this.renewIntervalMs });
          },
          renewLeases: (call: ServerUnaryCall<RenewLeasesRequest, RenewLeasesResponse>, cb: sendUnaryData<RenewLeasesResponse>) => {
            this.renewals.push(call.request);
            if (this.unreachable) return cb({ code: status.UNAVAILABLE, details: 'fake: unreachable' });
            Promise.resolve(this.answer(call.request)).then((a) => (a === 'unavailable' ? cb({ code: status.UNAVAILABLE, details: 'fake: unreachable' }) : cb(null, a)));
          },
        },
      }],
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.close(100);
  }
}
