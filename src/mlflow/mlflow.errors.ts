import { domainErrorClass } from '../common/errors/domain-error';

export enum MlflowErrorCode {
  MODEL_NOT_FOUND = 'MODEL_NOT_FOUND',
  MODEL_VERSION_NOT_FOUND = 'MODEL_VERSION_NOT_FOUND',
  ALIAS_NOT_FOUND = 'ALIAS_NOT_FOUND',
  RUN_NOT_FOUND = 'RUN_NOT_FOUND',
  EXPERIMENT_NOT_FOUND = 'EXPERIMENT_NOT_FOUND',
  MLFLOW_REJECTED = 'MLFLOW_REJECTED',
  MLFLOW_UNAVAILABLE = 'MLFLOW_UNAVAILABLE',
}

const STATUS: Record<MlflowErrorCode, number> = {
  MODEL_NOT_FOUND: 404,
  MODEL_VERSION_NOT_FOUND: 404,
  ALIAS_NOT_FOUND: 404,
  RUN_NOT_FOUND: 404,
  EXPERIMENT_NOT_FOUND: 404,
  MLFLOW_REJECTED: 422,
  MLFLOW_UNAVAILABLE: 503,
};

/** Why MLflow could not be asked, in `details.reason` of MLFLOW_UNAVAILABLE. */
export type UnavailableReason =
  | 'timeout'
  | 'connection_failed'
  | 'server_error'
  | 'rate_limited'
  | 'credentials_refused'
  | 'unexpected_answer';

export interface MlflowErrorDetails {
  /** The catalogue name of the MLflow call, e.g. `getModelVersion`. */
  endpoint: string;
  /** MLflow's own `error_code`, when it sent one. */
  mlflow_error_code?: string;
  /** MLflow's own message, when it sent one. */
  mlflow_message?: string;
  /** The HTTP status MLflow answered, when it answered. */
  mlflow_status?: number;
  reason?: UnavailableReason;
  /** Attempts made, retries included. */
  attempts?: number;
  /** Set on a write that got no clear answer: MLflow may have applied it, so re-read before acting. */
  may_have_applied?: boolean;
}

export class MlflowError extends domainErrorClass(STATUS) {
  declare readonly details: MlflowErrorDetails;

  /** Always with details: which call, and what MLflow said. */
  constructor(code: MlflowErrorCode, message: string, details: MlflowErrorDetails) {
    super(code, message, details);
  }
}

export const isMlflowError = (err: unknown, code?: MlflowErrorCode): err is MlflowError =>
  err instanceof MlflowError && (code === undefined || err.code === code);
