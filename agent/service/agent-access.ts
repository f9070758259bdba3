// Who may call the agent, by certificate role (README "Security"): it changes a host
// only for the coordinator; it answers reads for the coordinator and for operators
// (read-only ones included); it streams a zonepath out only to a peer agent, and then
// only with the coordinator's transfer grant naming that peer (transfer-grants.ts).
// Any method not listed here, including one added later, is the coordinator's alone:
// RunHook among them (README "Hooks").
import { ANY_ROLE, type ServiceAccess } from '../../shared/grpc/access-control.js';
import { Role } from '../../shared/tls/roles.js';

const READERS = [Role.Coordinator, Role.Operator, Role.OperatorReadonly] as const;

/** The Agent RPCs that change nothing on the host (NO_SIDE_EFFECTS in agent.proto). */
export const AGENT_READ_RPCS = ['GetHostFacts', 'ListZones', 'GetZone', 'ListMounts', 'QueryReplication', 'RunProbe', 'GetOperationResult'] as const;

export const AGENT_ACCESS: ServiceAccess = {
  methods: {
    ...Object.fromEntries(AGENT_READ_RPCS.map((rpc) => [rpc, READERS])),
    StreamZonepathOut: [Role.Agent],
    StreamArchiveFileOut: [Role.Agent],
  },
  others: [Role.Coordinator],
};

/** Health answers anyone the CA vouches for: reachability is no secret among them. */
export const HEALTH_ACCESS: ServiceAccess = { others: ANY_ROLE };
