import type { Stage } from '../../../src/common/stage';
import { FakeState, Method, Params, ROUTES } from './fake-mlflow.routes';

/**
 * Changes made directly in MLflow, as a person in MLflow's UI or with its client would, bypassing
 * modelgate: they run MLflow's own route handlers, so they fire webhook deliveries exactly where
 * MLflow 3.3+ does (aliases, tags, new versions; never a stage move). Not recorded in `requests`,
 * which are modelgate's calls.
 */
export class OutOfBandDoor {
  constructor(private readonly state: FakeState) {}

  /** A stage move; `archiveExisting` archives the other versions in that stage, like the UI's checkbox. */
  transition(model: string, version: string | number, stage: Stage, options: { archiveExisting?: boolean } = {}): void {
    this.call('model-versions/transition-stage', 'POST', { name: model, version: String(version), stage, archive_existing_versions: options.archiveExisting ?? false });
  }

  /** Points `alias` at `version` (moving it from whichever version held it). */
  setAlias(model: string, alias: string, version: string | number): void {
    this.call('registered-models/alias', 'POST', { name: model, alias, version: String(version) });
  }

  deleteAlias(model: string, alias: string): void {
    this.call('registered-models/alias', 'DELETE', { name: model, alias });
  }

  setTag(model: string, version: string | number, key: string, value: string): void {
    this.call('model-versions/set-tag', 'POST', { name: model, version: String(version), key, value });
  }

  deleteTag(model: string, version: string | number, key: string): void {
    this.call('model-versions/delete-tag', 'DELETE', { name: model, version: String(version), key });
  }

  /** Registers a new version of `model` (None); answers its number. */
  createVersion(model: string, options: { source?: string; runId?: string } = {}): string {
    const answer = this.call('model-versions/create', 'POST', {
      name: model,
      source: options.source ?? `s3://models/${model}`,
      ...(options.runId ? { run_id: options.runId } : {}),
    });
    return (answer.model_version as { version: string }).version;
  }

  private call(route: string, method: Method, params: Params): Record<string, unknown> {
    const handler = ROUTES[route]?.[method];
    if (!handler) throw new Error(`no route ${method} ${route}`);
    return handler.handle(params, this.state) as Record<string, unknown>;
  }
}
