// Who may call the coordinator, by certificate role (README "Security"). Operators may
// do everything on Control; read-only operators may look (status, hosts, lease show,
// plan, history, events, deltas list, following a run) and nothing else. The Leases
// service is for agents only, and each agent only for its own host (leases-service.ts).
import type { ServiceAccess } from '../../shared/grpc/access-control.js';
import { Role } from '../../shared/tls/roles.js';

const READERS = [Role.Operator, Role.OperatorReadonly] as const;

/** The Control RPCs that change nothing (NO_SIDE_EFFECTS in control.proto, and WatchRun). */
export const CONTROL_READ_RPCS = ['GetStatus', 'PlanRun', 'WatchRun', 'ListDeltas', 'GetHistory', 'ListEvents'] as const;

export const CONTROL_ACCESS: ServiceAccess = {
  methods: Object.fromEntries(CONTROL_READ_RPCS.map((rpc) => [rpc, READERS])),
  others: [Role.Operator],
};

export const LEASES_ACCESS: ServiceAccess = { others: [Role.Agent] };
