/** An MLflow 3.x webhook delivery, as far as modelgate reads it: `entity.action` and the model it is about. */
export interface MlflowDelivery {
  /** `entity.action` in lower case, e.g. `model_version_alias.created`. */
  event: string;
  /** `data.name`: the registered model (absent for events about other things, e.g. budgets). */
  model?: string;
}

/**
 * The events after which a model's versions may no longer be what modelgate expects (an alias or
 * tag moved, a version or the model appeared). Stage moves send no webhook at all: polling sees them.
 */
export const DRIFT_CHECK_EVENTS: ReadonlySet<string> = new Set([
  'model_version_alias.created',
  'model_version_alias.deleted',
  'model_version_tag.set',
  'model_version_tag.deleted',
  'model_version.created',
  'registered_model.created',
]);

const NAME = /^[a-z_]{1,64}$/;
const MAX_MODEL_NAME = 256;

/** Reads a delivery body: `{ entity, action, timestamp, data: { name, … } }`; undefined when it is not one. */
export function parseMlflowDelivery(rawBody: string): MlflowDelivery | undefined {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return undefined;
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const { entity, action, data } = body as Record<string, unknown>;
  if (typeof entity !== 'string' || !NAME.test(entity) || typeof action !== 'string' || !NAME.test(action)) return undefined;
  const name = data && typeof data === 'object' ? (data as Record<string, unknown>).name : undefined;
  const model = typeof name === 'string' && name.length > 0 && name.length <= MAX_MODEL_NAME ? name : undefined;
  return { event: `${entity}.${action}`, ...(model ? { model } : {}) };
}

/** The model whose drift to check after this delivery, if any. */
export function modelToCheck(delivery: MlflowDelivery): string | undefined {
  return DRIFT_CHECK_EVENTS.has(delivery.event) ? delivery.model : undefined;
}
