import type { ModelVersion } from '../mlflow/mlflow.types';
import type { Stage } from '../common/stage';
import { decide } from './deploy-decision';

const v = (version: string, stage: Stage): ModelVersion => ({
  name: 'recsys',
  version,
  stage,
  description: '',
  source: `runs:/run${version}/model`,
  runId: `run${version}`,
  runLink: '',
  status: 'READY',
  createdAt: new Date(0),
  updatedAt: new Date(0),
  tags: {},
  aliases: [],
});

const prd = { model: 'recsys', env: 'prd', allowedStages: ['Production'] as Stage[] };
const dev = { model: 'recsys', env: 'dev', allowedStages: ['Staging', 'Production'] as Stage[] };

describe('deploy decision', () => {
  it('allows prd with the Production version', () => {
    expect(decide(prd, { kind: 'versions', versions: [v('1', 'Archived'), v('2', 'Production'), v('3', 'Staging')] })).toEqual({
      allowed: true,
      version: v('2', 'Production'),
    });
  });

  it('denies prd with only Staging, naming the stage it needs', () => {
    expect(decide(prd, { kind: 'versions', versions: [v('3', 'Staging')] })).toEqual({
      allowed: false,
      reasons: ['no version of model recsys is in Production'],
    });
  });

  it('prefers Production over Staging for dev, and the highest version within a stage', () => {
    expect(decide(dev, { kind: 'versions', versions: [v('5', 'Staging'), v('2', 'Production')] })).toMatchObject({ version: { version: '2' } });
    expect(decide(dev, { kind: 'versions', versions: [v('4', 'Staging'), v('10', 'Staging'), v('9', 'Staging')] })).toMatchObject({
      version: { version: '10' },
    });
  });

  it('checks an explicit version against the allowed stages', () => {
    const versions = [v('3', 'Staging')];
    expect(decide({ ...prd, version: '3' }, { kind: 'versions', versions })).toEqual({
      allowed: false,
      reasons: ['version 3 of recsys is in Staging; prd needs Production'],
    });
    expect(decide({ ...dev, version: '3' }, { kind: 'versions', versions })).toMatchObject({ allowed: true });
  });

  it('names a missing model or version', () => {
    expect(decide(prd, { kind: 'model_missing' })).toEqual({ allowed: false, reasons: ['model recsys is not registered in MLflow'] });
    expect(decide({ ...prd, version: '9' }, { kind: 'version_missing' })).toEqual({
      allowed: false,
      reasons: ['version 9 of recsys does not exist in MLflow'],
    });
  });

  it('lists every allowed stage when none has a version', () => {
    expect(decide(dev, { kind: 'versions', versions: [v('1', 'Archived')] })).toEqual({
      allowed: false,
      reasons: ['no version of model recsys is in Staging or Production'],
    });
  });
});
