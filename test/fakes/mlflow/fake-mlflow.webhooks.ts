import { randomUUID } from 'node:crypto';
import { HTML_500, HtmlPageError, MISSING, MlflowApiError } from './fake-mlflow.errors';
import type { FakeClock } from './fake-mlflow.tracking';
import { SignedDelivery, signedDelivery } from './webhook-signing';

/** The registry events MLflow 3.x announces, as `entity.action` in lower case (how deliveries name them). */
export type WebhookEventName =
  | 'registered_model.created'
  | 'model_version.created'
  | 'model_version_tag.set'
  | 'model_version_tag.deleted'
  | 'model_version_alias.created'
  | 'model_version_alias.deleted';

/** In REST, events use the proto enum names in upper case. */
export interface WebhookEventRef {
  entity: string;
  action: string;
}

export interface FakeWebhook {
  id: string;
  name: string;
  description: string;
  url: string;
  events: WebhookEventRef[];
  /** Never answered by the API, as in MLflow. */
  secret?: string;
  status: 'ACTIVE' | 'DISABLED';
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
}

/** One POST the fake sent to a webhook's URL, and how it was answered. */
export interface SentDelivery extends SignedDelivery {
  webhookId: string;
  url: string;
  event: string;
  status?: number;
  responseBody?: string;
  error?: string;
}

/** mlflow/entities/webhook.py: VALID_ENTITY_ACTIONS. Other names are not proto enum values at all. */
const VALID_ACTIONS: Record<string, string[]> = {
  REGISTERED_MODEL: ['CREATED'],
  MODEL_VERSION: ['CREATED'],
  MODEL_VERSION_TAG: ['DELETED', 'SET'],
  MODEL_VERSION_ALIAS: ['CREATED', 'DELETED'],
  PROMPT: ['CREATED'],
  PROMPT_VERSION: ['CREATED'],
  PROMPT_TAG: ['DELETED', 'SET'],
  PROMPT_VERSION_TAG: ['DELETED', 'SET'],
  PROMPT_ALIAS: ['CREATED', 'DELETED'],
  BUDGET_POLICY: ['EXCEEDED'],
};
const ACTIONS = new Set(['CREATED', 'UPDATED', 'DELETED', 'SET', 'EXCEEDED']);

/** mlflow/webhooks/types.py's examples, as webhooks/test sends them (model_version.created as captured). */
const EXAMPLES: Record<string, Record<string, unknown>> = {
  'registered_model.created': { name: 'example_model', tags: { example_key: 'example_value' }, description: 'An example registered model' },
  'model_version.created': {
    name: 'example_model',
    version: '1',
    source: 'models:/123',
    run_id: 'abcd1234abcd5678',
    tags: { example_key: 'example_value' },
    description: 'An example model version',
  },
  'model_version_tag.set': { name: 'example_model', version: '1', key: 'example_key', value: 'example_value' },
  'model_version_tag.deleted': { name: 'example_model', version: '1', key: 'example_key' },
  'model_version_alias.created': { name: 'example_model', alias: 'example_alias', version: '1' },
  'model_version_alias.deleted': { name: 'example_model', alias: 'example_alias' },
};

const DELIVERY_TIMEOUT_MS = 5000;
const eventName = (e: WebhookEventRef) => `${e.entity.toLowerCase()}.${e.action.toLowerCase()}`;

/**
 * Events as the request parsed them: a name that is no proto enum value is an exception MLflow does
 * not handle (500 page); a valid pair of names that MLflow does not offer is a 400.
 */
export function parseEvents(raw: unknown): WebhookEventRef[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  const list = Array.isArray(raw) ? raw : [raw];
  const events = list.map((e) => {
    const { entity, action } = (e ?? {}) as Record<string, unknown>;
    if (typeof entity !== 'string' || !VALID_ACTIONS[entity] || typeof action !== 'string' || !ACTIONS.has(action)) {
      throw new HtmlPageError(500, HTML_500);
    }
    return { entity, action };
  });
  for (const { entity, action } of events) {
    const valid = VALID_ACTIONS[entity];
    if (!valid.includes(action)) {
      const names = valid.map((a) => `'${a.toLowerCase()}'`).join(', ');
      throw new MlflowApiError(400, 'INVALID_PARAMETER_VALUE', `Invalid action '${action.toLowerCase()}' for entity '${entity.toLowerCase()}'. Valid actions are: [${names}]`);
    }
  }
  return events;
}

function validUrl(url: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol)) {
    throw new MlflowApiError(400, 'INVALID_PARAMETER_VALUE', `Invalid webhook URL: ${url}`); // message not captured
  }
  return url;
}

/** MLflow 3.x's webhooks: the registry of them, and the signed POSTs sent for registry events. */
export class FakeWebhooks {
  readonly hooks = new Map<string, FakeWebhook>();
  /** Every delivery sent, in order. */
  readonly deliveries: SentDelivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly clock: FakeClock) {}

  create(p: { name?: string; description?: string; url?: string; events?: unknown; secret?: string; status?: string }): FakeWebhook {
    const events = parseEvents(p.events);
    if (!p.name) throw MISSING('name');
    if (!p.url) throw MISSING('url');
    if (!events || events.length === 0) throw MISSING('events');
    const now = this.clock.now();
    const hook: FakeWebhook = {
      id: randomUUID(),
      name: p.name,
      description: p.description ?? '',
      url: validUrl(p.url),
      events,
      ...(p.secret ? { secret: p.secret } : {}),
      status: p.status === 'DISABLED' ? 'DISABLED' : 'ACTIVE',
      creationTimestamp: now,
      lastUpdatedTimestamp: now,
    };
    this.hooks.set(hook.id, hook);
    return hook;
  }

  get(id: string): FakeWebhook {
    const hook = this.hooks.get(id);
    if (!hook) throw new MlflowApiError(404, 'RESOURCE_DOES_NOT_EXIST', `Webhook with ID ${id} not found.`); // message not captured
    return hook;
  }

  /** Fields left out are kept; `events` replaces the list. */
  update(id: string, p: { name?: string; description?: string; url?: string; events?: unknown; secret?: string; status?: string }): FakeWebhook {
    const hook = this.get(id);
    const events = parseEvents(p.events);
    if (p.name !== undefined) hook.name = p.name;
    if (p.description !== undefined) hook.description = p.description;
    if (p.url !== undefined) hook.url = validUrl(p.url);
    if (events && events.length > 0) hook.events = events;
    if (p.secret !== undefined) hook.secret = p.secret || undefined;
    if (p.status === 'ACTIVE' || p.status === 'DISABLED') hook.status = p.status;
    hook.lastUpdatedTimestamp = this.clock.now();
    return hook;
  }

  delete(id: string): void {
    this.get(id);
    this.hooks.delete(id);
  }

  /** Sends every active webhook subscribed to `event` a delivery, without waiting (MLflow uses a thread pool). */
  announce(event: WebhookEventName, data: Record<string, unknown>): void {
    for (const hook of this.hooks.values()) {
      if (hook.status === 'ACTIVE' && hook.events.some((e) => eventName(e) === event)) this.track(this.send(hook, event, data));
    }
  }

  /** webhooks/test: an example payload of `event` (default: the webhook's first), sent and awaited. */
  async test(id: string, event?: WebhookEventRef): Promise<Record<string, unknown>> {
    const hook = this.get(id);
    const name = eventName(event ?? hook.events[0]);
    const sent = await this.send(hook, name, EXAMPLES[name] ?? {});
    if (sent.error !== undefined) return { success: false, error_message: `Failed to test webhook: ${sent.error}` };
    return { success: (sent.status ?? 500) < 400, response_status: sent.status, response_body: sent.responseBody };
  }

  /** Sends an earlier delivery again, byte for byte (same id, timestamp and signature), as a retry would. */
  redeliver(delivery: SentDelivery): Promise<SentDelivery> {
    const { webhookId, url, event, headers, body } = delivery;
    return this.post({ webhookId, url, event, headers, body });
  }

  /** Resolves once every delivery sent so far has been answered (or failed). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private track(sending: Promise<unknown>): void {
    const done = sending.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(done);
    void done.then(() => this.inFlight.delete(done));
  }

  private send(hook: FakeWebhook, event: string, data: Record<string, unknown>): Promise<SentDelivery> {
    return this.post({ ...signedDelivery(event, data, hook.secret), webhookId: hook.id, url: hook.url, event });
  }

  /** Listed at once (in the order sent), completed with the answer when it comes. */
  private async post(delivery: SentDelivery): Promise<SentDelivery> {
    this.deliveries.push(delivery);
    try {
      const res = await fetch(delivery.url, {
        method: 'POST',
        headers: delivery.headers as unknown as Record<string, string>,
        body: delivery.body,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      delivery.status = res.status;
      delivery.responseBody = await res.text();
    } catch (err) {
      delivery.error = err instanceof Error ? err.message : String(err);
    }
    return delivery;
  }
}
