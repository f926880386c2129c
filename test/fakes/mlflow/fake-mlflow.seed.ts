import type { Stage } from '../../../src/common/stage';
import type { FakeModelVersion, FakeRegisteredModel } from './fake-mlflow.registry';
import type { FakeState } from './fake-mlflow.routes';
import type { FakeExperiment, FakeRun } from './fake-mlflow.tracking';

export interface RunSeed {
  experimentId?: string;
  /** Created when missing. Ignored when experimentId is given. */
  experimentName?: string;
  runId?: string;
  runName?: string;
  userId?: string;
  status?: string;
  startTime?: number;
  endTime?: number;
  metrics?: Record<string, number>;
  params?: Record<string, string>;
  tags?: Record<string, string>;
}

export interface ModelVersionSeed {
  /** Registered model; created when missing. Default `model`. */
  name?: string;
  stage?: Stage;
  /** A run to point at; undefined creates one (with `run` as its seed), null registers the version without a run. */
  runId?: string | null;
  run?: RunSeed;
  source?: string;
  description?: string;
  tags?: Record<string, string>;
  aliases?: string[];
}

/** The three runs of the fixtures' `recsys` experiment (test/fixtures/mlflow/README.md). */
export const RECSYS_RUNS = {
  baseline: { runId: 'cff203e924174917ad9b514a6dd9203e', runName: 'lgbm-baseline', nEstimators: '200', roc_auc: 0.83, f1: 0.78, precision_at_10: 0.41 },
  tuned: { runId: 'ed05795590e24488a69b5496e4bfe9f1', runName: 'lgbm-tuned', nEstimators: '400', roc_auc: 0.87, f1: 0.82, precision_at_10: 0.46, validation: 'passed' },
  tunedV2: { runId: 'f04300b5fb454726bbf699e29d6e5d6b', runName: 'lgbm-tuned-v2', nEstimators: '600', roc_auc: 0.86, f1: 0.81, precision_at_10: 0.45, validation: 'passed' },
} as const;

export interface RecsysScenario {
  experimentId: string;
  model: 'recsys';
  runIds: { baseline: string; tuned: string; tunedV2: string };
}

/**
 * Scenario steps of the fixtures: `versions` = runs, model and v1..v3 all in None; `stages` (the
 * default) = v1 Archived, v2 Production, v3 None; `aliases` = also alias champion → v2, v2's
 * description and tag validation_status=passed.
 */
export type RecsysStep = 'versions' | 'stages' | 'aliases';

/** Factories that put objects straight into the fake's state. */
export class FakeMlflowSeeder {
  private counter = 0;

  constructor(private readonly state: FakeState) {}

  experiment(name = `experiment-${++this.counter}`): FakeExperiment {
    const existing = [...this.state.tracking.experiments.values()].find((e) => e.name === name);
    return existing ?? this.state.tracking.createExperiment(name);
  }

  run(seed: RunSeed = {}): FakeRun {
    const tracking = this.state.tracking;
    const experimentId = seed.experimentId ?? (seed.experimentName ? this.experiment(seed.experimentName).experimentId : '0');
    const run = tracking.createRun({ experimentId, runId: seed.runId, runName: seed.runName, userId: seed.userId ?? 'seed-bot', startTime: seed.startTime, tags: { ...(seed.runName ? { 'mlflow.runName': seed.runName } : {}), 'mlflow.user': seed.userId ?? 'seed-bot' } });
    const at = run.startTime + 1000;
    tracking.logBatch(run.runId, {
      metrics: Object.entries(seed.metrics ?? {}).map(([key, value]) => ({ key, value, timestamp: at, step: 0 })),
      params: Object.entries(seed.params ?? {}).map(([key, value]) => ({ key, value })),
      tags: Object.entries(seed.tags ?? {}).map(([key, value]) => ({ key, value })),
    });
    return tracking.updateRun(run.runId, { status: seed.status ?? 'FINISHED', endTime: seed.endTime ?? run.startTime + 2000 });
  }

  model(name = `model-${++this.counter}`, opts: { description?: string; tags?: Record<string, string> } = {}): FakeRegisteredModel {
    return this.state.registry.models.get(name) ?? this.state.registry.createModel(name, opts);
  }

  /** `modelVersion({ stage: 'Staging' })`: the next version of `model`, with a run of its own. */
  modelVersion(seed: ModelVersionSeed = {}): FakeModelVersion {
    const name = seed.name ?? 'model';
    this.model(name);
    const runId = seed.runId === undefined ? this.run(seed.run).runId : (seed.runId ?? undefined);
    const registry = this.state.registry;
    const version = registry.createVersion(name, {
      source: seed.source ?? (runId ? `runs:/${runId}/model` : `s3://models/${name}`),
      runId,
      description: seed.description,
      tags: seed.tags,
    });
    if (seed.stage && seed.stage !== 'None') registry.transition(name, String(version.version), seed.stage, false);
    for (const alias of seed.aliases ?? []) registry.setAlias(name, alias, String(version.version));
    return version;
  }

  /** The fixtures' scenario, up to the given step. */
  recsysScenario(upTo: RecsysStep = 'stages'): RecsysScenario {
    const experimentId = this.experiment('recsys').experimentId;
    const start = Date.now() - 60_000;
    const offsets = { baseline: 0, tuned: 106, tunedV2: 677 };
    for (const [key, r] of Object.entries(RECSYS_RUNS) as [keyof typeof RECSYS_RUNS, (typeof RECSYS_RUNS)[keyof typeof RECSYS_RUNS]][]) {
      this.run({
        experimentId,
        runId: r.runId,
        runName: r.runName,
        userId: 'recsys-bot',
        startTime: start + offsets[key],
        metrics: { roc_auc: r.roc_auc, f1: r.f1, precision_at_10: r.precision_at_10 },
        params: { model_type: 'lightgbm', n_estimators: r.nEstimators },
        tags: 'validation' in r ? { validation_status: r.validation } : {},
      });
    }
    const registry = this.state.registry;
    registry.createModel('recsys', { description: 'Recommender ranking model' });
    for (const r of Object.values(RECSYS_RUNS)) registry.createVersion('recsys', { source: `runs:/${r.runId}/model`, runId: r.runId });
    if (upTo !== 'versions') {
      registry.transition('recsys', '1', 'Staging', false);
      registry.transition('recsys', '1', 'Production', false);
      registry.transition('recsys', '2', 'Staging', false);
      registry.transition('recsys', '2', 'Production', true);
    }
    if (upTo === 'aliases') {
      registry.setAlias('recsys', 'champion', '2');
      registry.updateVersion('recsys', '2', 'Tuned LightGBM, 400 trees');
      registry.setVersionTag('recsys', '2', 'validation_status', 'passed');
    }
    return {
      experimentId,
      model: 'recsys',
      runIds: { baseline: RECSYS_RUNS.baseline.runId, tuned: RECSYS_RUNS.tuned.runId, tunedV2: RECSYS_RUNS.tunedV2.runId },
    };
  }
}
