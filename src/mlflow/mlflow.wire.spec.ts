import { mlflowBaseUrl, serializeQuery } from './mlflow-http.factory';
import { missingThing, nameFilter, toModelVersion, toRegisteredModel, toRun, WireFormatError } from './mlflow.wire';

describe('MLflow wire format', () => {
  const version = {
    name: 'recsys',
    version: '2',
    creation_timestamp: 1795435855176,
    last_updated_timestamp: 1795435855340,
    current_stage: 'Production',
    description: '',
    source: 'runs:/ed05795590e24488a69b5496e4bfe9f1/model',
    run_id: 'ed05795590e24488a69b5496e4bfe9f1',
    status: 'READY',
    run_link: '',
  };

  it('maps a model version: string version, Dates, absent tags and aliases as empty', () => {
    expect(toModelVersion(version)).toEqual({
      name: 'recsys',
      version: '2',
      stage: 'Production',
      description: '',
      source: version.source,
      runId: version.run_id,
      runLink: '',
      status: 'READY',
      createdAt: new Date(1795435855176),
      updatedAt: new Date(1795435855340),
      tags: {},
      aliases: [],
    });
  });

  it('maps a version without a run to runId null, whether MLflow sends "" or nothing', () => {
    expect(toModelVersion({ ...version, run_id: '' }).runId).toBeNull();
    expect(toModelVersion({ ...version, run_id: undefined }).runId).toBeNull();
  });

  it('keeps a version a string even if a server sends a number, and refuses an unknown stage', () => {
    expect(toModelVersion({ ...version, version: 7 as unknown as string }).version).toBe('7');
    expect(toModelVersion({ ...version, current_stage: 'production' }).stage).toBe('Production');
    expect(() => toModelVersion({ ...version, current_stage: 'Deleted_Internal' })).toThrow(WireFormatError);
  });

  it('maps a registered model without description, versions, tags or aliases', () => {
    const model = toRegisteredModel({ name: 'bare', creation_timestamp: 1, last_updated_timestamp: 2 });
    expect(model).toEqual({ name: 'bare', createdAt: new Date(1), updatedAt: new Date(2), tags: {}, aliases: [], latestVersions: [] });
    expect('description' in model).toBe(false);
  });

  it('maps a run, taking run_uuid when run_id is missing', () => {
    const run = toRun({ info: { run_uuid: 'abc', experiment_id: '1', status: 'FINISHED', start_time: 5 }, data: { params: [{ key: 'a', value: '1' }] } });
    expect(run).toEqual(expect.objectContaining({ runId: 'abc', startTime: new Date(5), metrics: [], params: { a: '1' }, tags: {} }));
    expect(run.endTime).toBeUndefined();
    expect(() => toRun({ info: { experiment_id: '1', status: 'RUNNING' } })).toThrow(WireFormatError);
  });

  it('reads what an MLflow not-found message names', () => {
    expect(missingThing('Registered Model with name=nope not found')).toBe('model');
    expect(missingThing('Model Version (name=nope, version=1) not found')).toBe('version');
    expect(missingThing('Registered model alias champion not found.')).toBe('alias');
    expect(missingThing('Run with id=x not found')).toBeUndefined();
  });

  it('quotes a model name for a search filter', () => {
    expect(nameFilter('recsys')).toBe("name='recsys'");
    expect(nameFilter("bob's")).toBe('name="bob\'s"');
    expect(nameFilter(`a'b"c`)).toBeUndefined();
  });

  it('builds the base URL from any tracking URI form, without credentials', () => {
    expect(mlflowBaseUrl('http://mlflow:5000')).toBe('http://mlflow:5000/');
    expect(mlflowBaseUrl('https://host/mlflow//')).toBe('https://host/mlflow/');
    expect(mlflowBaseUrl('https://user:pw@host/prefix/')).toBe('https://host/prefix/');
  });

  it('sends lists as repeated query keys, as MLflow’s Python client does', () => {
    expect(serializeQuery({ filter: "name='a b'", order_by: ['x DESC', 'y'], page_token: undefined })).toBe(
      'filter=name%3D%27a+b%27&order_by=x+DESC&order_by=y',
    );
  });
});
