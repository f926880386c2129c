import { MlflowApiError } from './fake-mlflow.errors';
import type { Method, Params, Route } from './fake-mlflow.routes';
import { FakeWebhook, parseEvents } from './fake-mlflow.webhooks';

type Json = Record<string, unknown>;

/** The webhook as MLflow answers it: no secret, no `description` key when there is none. */
export function webhookJson(h: FakeWebhook): Json {
  return {
    webhook_id: h.id,
    name: h.name,
    ...(h.description ? { description: h.description } : {}),
    url: h.url,
    events: h.events.map(({ entity, action }) => ({ entity, action })),
    status: h.status,
    creation_timestamp: h.creationTimestamp,
    last_updated_timestamp: h.lastUpdatedTimestamp,
  };
}

const str = (p: Params, key: string) => (p[key] === undefined || p[key] === null ? undefined : String(p[key]));
const fields = (p: Params) => ({
  name: str(p, 'name'),
  description: str(p, 'description'),
  url: str(p, 'url'),
  events: p.events,
  secret: str(p, 'secret'),
  status: str(p, 'status'),
});
const WRITE_SCHEMA: Route['schema'] = [['name', 'string'], ['description', 'string'], ['url', 'string'], ['events', 'list'], ['secret', 'string'], ['status', 'string']];

const collection: Partial<Record<Method, Route>> = {
  POST: { schema: WRITE_SCHEMA, handle: (p, s) => ({ webhook: webhookJson(s.webhooks.create(fields(p))) }) },
  GET: {
    schema: [['max_results', 'int'], ['page_token', 'string']],
    handle: (p, s) => {
      const size = p.max_results === undefined ? 100 : Number(p.max_results);
      if (!Number.isInteger(size) || size < 1) throw new MlflowApiError(400, 'INVALID_PARAMETER_VALUE', `Invalid value ${String(p.max_results)} for parameter 'max_results' supplied.`);
      const offset = p.page_token ? Number(Buffer.from(String(p.page_token), 'base64').toString()) || 0 : 0;
      const all = [...s.webhooks.hooks.values()];
      const page = all.slice(offset, offset + size).map(webhookJson);
      const next = offset + size < all.length ? Buffer.from(String(offset + size)).toString('base64') : undefined;
      return { ...(page.length > 0 ? { webhooks: page } : {}), ...(next ? { next_page_token: next } : {}) };
    },
  },
};

/** MLflow 3.3+'s webhook routes under /api/2.0/mlflow/: `webhooks`, `webhooks/<id>`, `webhooks/<id>/test`. */
export function webhookRoutes(name: string): Partial<Record<Method, Route>> | undefined {
  if (name === 'webhooks') return collection;
  const match = /^webhooks\/([^/]+)(\/test)?$/.exec(name);
  if (!match) return undefined;
  const id = decodeURIComponent(match[1]);
  if (match[2]) {
    return {
      POST: {
        schema: [],
        handle: async (p, s) => ({ result: await s.webhooks.test(id, p.event === undefined ? undefined : parseEvents([p.event])?.[0]) }),
      },
    };
  }
  return {
    GET: { schema: [], handle: (_p, s) => ({ webhook: webhookJson(s.webhooks.get(id)) }) },
    PATCH: { schema: WRITE_SCHEMA, handle: (p, s) => ({ webhook: webhookJson(s.webhooks.update(id, fields(p))) }) },
    DELETE: { schema: [], handle: (_p, s) => (s.webhooks.delete(id), {}) },
  };
}
