import axios, { AxiosError } from 'axios';
import { isTimeout } from './mlflow-http.factory';
import { MlflowError, MlflowErrorCode, MlflowErrorDetails, UnavailableReason } from './mlflow.errors';
import { WireFormatError, missingThing } from './mlflow.wire';

/** How a catalogue entry names what its 404 means, and what it is about. */
export interface FailureContext {
  endpoint: string;
  /** The code of a RESOURCE_DOES_NOT_EXIST the message does not name otherwise. */
  notFound: MlflowErrorCode;
  write: boolean;
  timeoutMs: number;
  attempts: number;
  /** The request's identifying fields (name, version, run_id, alias…), for messages. */
  subject: Record<string, unknown>;
}

interface WireError {
  error_code: string;
  message?: string;
}

const isWireError = (data: unknown): data is WireError =>
  typeof data === 'object' && data !== null && typeof (data as WireError).error_code === 'string';

function notFoundMessage(code: MlflowErrorCode, s: Record<string, unknown>): string {
  switch (code) {
    case MlflowErrorCode.MODEL_NOT_FOUND:
      return `Registered model '${String(s.name)}' not found`;
    case MlflowErrorCode.MODEL_VERSION_NOT_FOUND:
      return `Version ${String(s.version)} of model '${String(s.name)}' not found`;
    case MlflowErrorCode.ALIAS_NOT_FOUND:
      return `Alias '${String(s.alias)}' of model '${String(s.name)}' not found`;
    case MlflowErrorCode.RUN_NOT_FOUND:
      return `Run '${String(s.run_id)}' not found`;
    case MlflowErrorCode.EXPERIMENT_NOT_FOUND:
      return `Experiment '${String(s.experiment_name ?? s.experiment_id)}' not found`;
    default:
      return 'Not found in MLflow';
  }
}

const NOT_FOUND_BY_THING = {
  model: MlflowErrorCode.MODEL_NOT_FOUND,
  version: MlflowErrorCode.MODEL_VERSION_NOT_FOUND,
  alias: MlflowErrorCode.ALIAS_NOT_FOUND,
} as const;

function unavailable(ctx: FailureContext, reason: UnavailableReason, message: string, extra: Partial<MlflowErrorDetails> = {}): MlflowError {
  // A write that got no clear answer may still have been applied by MLflow: callers must re-read.
  const uncertain = ctx.write && reason !== 'credentials_refused' && reason !== 'rate_limited';
  return new MlflowError(MlflowErrorCode.MLFLOW_UNAVAILABLE, message, {
    endpoint: ctx.endpoint,
    reason,
    attempts: ctx.attempts,
    ...extra,
    ...(uncertain ? { may_have_applied: true } : {}),
  });
}

function fromAnswer(ctx: FailureContext, status: number, data: unknown): MlflowError {
  const wire = isWireError(data) ? data : undefined;
  const mlflow: Partial<MlflowErrorDetails> = {
    mlflow_status: status,
    ...(wire ? { mlflow_error_code: wire.error_code, mlflow_message: wire.message ?? '' } : {}),
  };
  if (status === 401 || status === 403) {
    return unavailable(ctx, 'credentials_refused', `MLflow refused modelgate's credentials (HTTP ${status})`, mlflow);
  }
  if (status === 429) return unavailable(ctx, 'rate_limited', 'MLflow is rate limiting modelgate (HTTP 429)', mlflow);
  if (status >= 500) return unavailable(ctx, 'server_error', `MLflow failed with HTTP ${status}`, mlflow);
  if (!wire) {
    return unavailable(ctx, 'unexpected_answer', `MLflow answered HTTP ${status} without its JSON error body; is MLFLOW_TRACKING_URI an MLflow 2.x server?`, mlflow);
  }
  const thing = missingThing(wire.message ?? '');
  if (wire.error_code === 'RESOURCE_DOES_NOT_EXIST' || thing === 'alias') {
    const code = thing ? NOT_FOUND_BY_THING[thing] : ctx.notFound;
    return new MlflowError(code, notFoundMessage(code, ctx.subject), { endpoint: ctx.endpoint, ...mlflow });
  }
  return new MlflowError(MlflowErrorCode.MLFLOW_REJECTED, `MLflow rejected the request: ${wire.message ?? wire.error_code}`, {
    endpoint: ctx.endpoint,
    ...mlflow,
  });
}

/** Turns whatever a call to MLflow threw into the domain error callers see. */
export function translateFailure(ctx: FailureContext, err: unknown): MlflowError {
  if (err instanceof MlflowError) return err;
  if (err instanceof WireFormatError) return unavailable(ctx, 'unexpected_answer', err.message);
  if (!axios.isAxiosError(err)) throw err;
  const ax = err as AxiosError;
  if (ax.response) return fromAnswer(ctx, ax.response.status, ax.response.data);
  if (axios.isCancel(ax) || isTimeout(ax)) {
    return unavailable(ctx, 'timeout', `MLflow did not answer within ${ctx.timeoutMs} ms`);
  }
  return unavailable(ctx, 'connection_failed', `MLflow could not be reached (${ax.code ?? 'network error'})`);
}
