// GetOperationResult: what a mutating call with this op id replied, for a coordinator
// resuming a run after a crash.
import { TwinzoneError } from '../../shared/errors/twinzone-error.js';
import { unary } from '../../shared/grpc/unary-handler.js';
import { GetTransferProgressResponse, type GetOperationResultRequest, type GetOperationResultResponse, type GetTransferProgressRequest } from '../../shared/gen/twinzone/v1/agent.js';
import { ErrorDetail } from '../../shared/gen/twinzone/v1/common.js';
import type { AgentRuntime } from '../agent-runtime.js';
import { requireOpId } from '../state/op-results.js';

export function operationRecordHandlers(runtime: AgentRuntime) {
  return {
    getOperationResult: unary<GetOperationResultRequest, GetOperationResultResponse>(
      runtime.log,
      'GetOperationResult',
      (r) => ({ op: (r as GetOperationResultRequest).opId }),
      async (req) => {
        requireOpId(req.opId);
        const rec = runtime.results.get(req.opId);
        if (!rec) throw new TwinzoneError('OP_NOT_FOUND', `operation ${req.opId} never ran on ${runtime.config.host}`, { fields: { op: req.opId } });
        return {
          opId: rec.opId,
          rpc: rec.rpc,
          zone: rec.zone,
          finishedAtMs: rec.finishedAtMs,
          ok: rec.ok,
          response: rec.ok ? Buffer.from(rec.response ?? '', 'base64') : Buffer.alloc(0),
          error: rec.ok ? undefined : ErrorDetail.decode(Buffer.from(rec.error ?? '', 'base64')),
          statusCode: rec.statusCode ?? 0,
        };
      },
    ),
    // A transfer's progress is kept by op id too, while it runs and a while after.
    getTransferProgress: unary<GetTransferProgressRequest, GetTransferProgressResponse>(
      runtime.log,
      'GetTransferProgress',
      (r) => ({ op: (r as GetTransferProgressRequest).opId }),
      async (req) => {
        requireOpId(req.opId);
        const p = runtime.transfers.get(req.opId);
        if (!p) throw new TwinzoneError('OP_NOT_FOUND', `no transfer with op id ${req.opId} is running or recently finished on ${runtime.config.host}`, { fields: { op: req.opId } });
        return GetTransferProgressResponse.fromPartial(p);
      },
    ),
  };
}

