import { FakeMlflow } from '../fakes/mlflow';
import { loadEvent } from '../fixtures/events/factories';
import { projectYaml, promote, putProject } from '../helpers/promotions';
import { RequestOptions, TestApp, expectError, startTestApp } from '../helpers/test-app';
import { withDatabase } from '../helpers/test-database';
import { faultScenario } from './support/fault-summary';

const TABLES = ['promotions', 'approvals', 'projects', 'pipeline_events', 'outbox', 'deploy_decisions', 'audit_events', 'api_keys'];
const MLFLOW_WRITES = ['transition-stage', 'model-versions/update', 'set-tag', 'alias'];

interface Refusal {
  what: string;
  method: string;
  url: string;
  options?: RequestOptions;
  status: number;
  code: string;
  /** Part of the answer that names the actual problem, where other problems could give the same code. */
  says?: string;
}

describe('fault injection: bad input and bad credentials change nothing; the audit log resists SQL', () => {
  let mlflow: FakeMlflow;
  let t: TestApp;

  const sql = <R = any>(text: string, params: unknown[] = []) => withDatabase(t.databaseUrl, async (db) => (await db.query(text, params)).rows as R[]);
  const rowCounts = async () =>
    Object.fromEntries(await Promise.all(TABLES.map(async (table) => [table, (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n])));
  const mlflowWrites = () => mlflow.requests.filter((r) => MLFLOW_WRITES.some((w) => r.path.includes(w))).length;
  /** Rows added or removed across TABLES since `before`. */
  const rowsChangedSince = (before: Record<string, number>, after: Record<string, number>) => TABLES.reduce((n, table) => n + Math.abs(after[table] - before[table]), 0);
  const yaml = (payload: string) => ({ raw: { payload, contentType: 'application/yaml' } });
  const json = (payload: string) => ({ raw: { payload, contentType: 'application/json' } });

  /** Sends each refusal, asserts its status, code and error shape; answers how many there were. */
  const expectRefused = async (refusals: Refusal[]) => {
    for (const r of refusals) {
      const res = await t.request(r.method, r.url, r.options);
      try {
        expectError(res, r.status, r.code);
        if (r.says) expect(res.text).toContain(r.says);
      } catch (err) {
        throw new Error(`${r.what}: ${res.status} ${res.text.slice(0, 300)}\n${String(err)}`);
      }
    }
    return refusals.length;
  };

  beforeAll(async () => {
    mlflow = await FakeMlflow.start();
    mlflow.seed.recsysScenario('versions');
    mlflow.seed.modelVersion({ name: 'gated', stage: 'Staging' });
    t = await startTestApp({ env: { MLFLOW_TRACKING_URI: mlflow.url } });
    await putProject(t, 'recsys', projectYaml('recsys', 'recsys'));
    await putProject(t, 'gating', projectYaml('gating', 'gated', 'promotion:\n  Production: { approvals: 1 }'));
  });
  afterAll(async () => {
    await t?.close();
    await mlflow?.stop();
  });

  faultScenario('8', 'Malformed, oversized, wrong-typed JSON/YAML, unknown stage, path tricks', async (counts) => {
    const before = await rowCounts();
    const writesBefore = mlflowWrites();
    const promoteUrl = '/models/recsys/versions/1/promote';
    const big = 'x'.repeat(1024 * 1024 + 10);
    const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]', ...[...'bcdefghi'].map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`)].join('\n');
    const hugeEvent = { ...loadEvent('sfn-failed'), padding: 'x'.repeat(256 * 1024) };
    const wrongEvent = { ...loadEvent('sfn-failed'), detail: { ...loadEvent('sfn-failed').detail, status: 5, executionArn: ['not', 'a', 'string'] } };
    const n = await expectRefused([
      { what: 'malformed JSON', method: 'POST', url: promoteUrl, options: json('{"stage": "Staging",'), status: 400, code: 'INVALID_JSON' },
      { what: 'wrong types', method: 'POST', url: promoteUrl, options: { body: { stage: 5, reason: ['x'] } }, status: 400, code: 'VALIDATION_FAILED' },
      { what: 'unknown stage', method: 'POST', url: promoteUrl, options: { body: { stage: 'Prod', reason: 'looks good' } }, status: 400, code: 'VALIDATION_FAILED' },
      { what: 'unknown field', method: 'POST', url: promoteUrl, options: { body: { stage: 'Staging', reason: 'looks good', force: true } }, status: 400, code: 'VALIDATION_FAILED' },
      { what: 'JSON array body', method: 'POST', url: promoteUrl, options: json('[1,2,3]'), status: 400, code: 'VALIDATION_FAILED' },
      { what: 'body over 1 MiB', method: 'POST', url: promoteUrl, options: { body: { stage: 'Staging', reason: big } }, status: 413, code: 'PAYLOAD_TOO_LARGE' },
      { what: 'text/plain body', method: 'POST', url: promoteUrl, options: { raw: { payload: 'stage=Staging', contentType: 'text/plain' } }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
      { what: 'malformed YAML', method: 'PUT', url: '/projects/broken', options: yaml('project_name: broken\nowners: [unclosed'), status: 400, code: 'INVALID_PROJECT_CONFIG' },
      { what: 'wrong-typed YAML', method: 'PUT', url: '/projects/typed', options: yaml(projectYaml('typed', 'typed').replace('version: "1.0.0"', 'version: [1, 0]')), status: 400, code: 'INVALID_PROJECT_CONFIG', says: '"path":"version"' },
      { what: 'YAML bomb', method: 'PUT', url: '/projects/bomb', options: yaml(`${projectYaml('bomb', 'bomb')}\n${bomb}`), status: 400, code: 'INVALID_PROJECT_CONFIG', says: 'YAML bomb' },
      { what: 'YAML over 256 KiB', method: 'PUT', url: '/projects/big', options: yaml(`project_name: big\n# ${'x'.repeat(256 * 1024)}`), status: 413, code: 'PAYLOAD_TOO_LARGE' },
      { what: 'unknown stage in a policy', method: 'PUT', url: '/projects/stagey', options: yaml(projectYaml('stagey', 'stagey', 'promotion:\n  Prod: { approvals: 1 }')), status: 400, code: 'INVALID_PROJECT_CONFIG', says: 'Prod' },
      { what: 'event: malformed JSON', method: 'POST', url: '/events/eventbridge', options: json('{"id": '), status: 400, code: 'INVALID_JSON' },
      { what: 'event: wrong types', method: 'POST', url: '/events/eventbridge', options: { body: wrongEvent }, status: 400, code: 'INVALID_EVENT' },
      { what: 'event over 256 KiB', method: 'POST', url: '/events/eventbridge', options: { body: hugeEvent }, status: 413, code: 'PAYLOAD_TOO_LARGE' },
      // A name is data for MLflow (a query or JSON value, never a path), so ../ is just a model that does not exist.
      { what: 'path: ../ in a model name', method: 'POST', url: '/models/..%2F..%2Fetc%2Fpasswd/versions/1/promote', options: { body: { stage: 'Staging', reason: 'looks good' } }, status: 404, code: 'MODEL_NOT_FOUND' },
      { what: 'path: NUL in a model name', method: 'GET', url: '/models/rec%00sys', status: 404, code: 'MODEL_NOT_FOUND' },
      { what: 'path: version not a number', method: 'POST', url: '/models/recsys/versions/1%20OR%201=1/promote', options: { body: { stage: 'Staging', reason: 'looks good' } }, status: 400, code: 'VALIDATION_FAILED' },
      // The path is refused by the project-name pipe every :name route shares, before the YAML is read.
      { what: 'path: ../ in a project name', method: 'PUT', url: '/projects/..%2Fescape', options: yaml(projectYaml('"../escape"', 'escape')), status: 400, code: 'VALIDATION_FAILED', says: '"field":"name"' },
      { what: 'gate: ../ in a project', method: 'POST', url: '/deploy-gate', options: { body: { project: '../recsys', env: 'prd' } }, status: 400, code: 'VALIDATION_FAILED' },
      { what: 'gate: env not configured', method: 'POST', url: '/deploy-gate', options: { body: { project: 'recsys', env: 'qa' } }, status: 400, code: 'ENV_NOT_CONFIGURED' },
      { what: 'promotion id not a UUID', method: 'POST', url: '/promotions/..%2F1/approve', options: { body: {} }, status: 400, code: 'VALIDATION_FAILED' },
    ]);
    const after = await rowCounts();
    expect(after).toEqual(before);
    expect(mlflowWrites()).toBe(writesBefore);
    expect(mlflow.requests.filter((r) => /\.\.|%2f|%00/i.test(r.path))).toEqual([]);
    Object.assign(counts, { refused: n, rows_changed: rowsChangedSince(before, after), mlflow_writes: mlflowWrites() - writesBefore });
  }, 20_000);

  faultScenario('9', 'No key, wrong role, revoked key, approver = requester', async (counts) => {
    const reader = await t.createKey('fault-reader', ['reader']);
    const dave = await t.createKey('fault-dave', ['promoter', 'approver']);
    const ci = await t.createKey('fault-ci', ['ci']);
    const events = await t.createKey('fault-events', ['events']);
    const revoked = await t.createKey('fault-revoked', ['promoter', 'admin']);
    const revokedId = (await t.request('GET', '/api-keys')).body.items.find((k: { name: string }) => k.name === 'fault-revoked').id;
    expect((await t.request('DELETE', `/api-keys/${revokedId}`)).status).toBeLessThan(300);
    const pending = await promote(t, dave, 'gated', 1, 'Production');
    expect(pending.status).toBe(202);
    const before = await rowCounts();
    const writesBefore = mlflowWrites();
    const body = { stage: 'Staging', reason: 'looks good' };

    const n = await expectRefused([
      { what: 'no key', method: 'POST', url: '/models/recsys/versions/1/promote', options: { key: null, body }, status: 401, code: 'UNAUTHENTICATED' },
      { what: 'unknown key', method: 'POST', url: '/models/recsys/versions/1/promote', options: { key: 'mg_not_a_key_at_all_0000000000000000', body }, status: 401, code: 'UNAUTHENTICATED' },
      { what: 'revoked key', method: 'POST', url: '/models/recsys/versions/1/promote', options: { key: revoked, body }, status: 401, code: 'UNAUTHENTICATED' },
      { what: 'revoked admin key', method: 'POST', url: '/api-keys', options: { key: revoked, body: { name: 'sneaky', roles: ['admin'] } }, status: 401, code: 'UNAUTHENTICATED' },
      { what: 'reader promotes', method: 'POST', url: '/models/recsys/versions/1/promote', options: { key: reader, body }, status: 403, code: 'FORBIDDEN' },
      { what: 'ci promotes', method: 'POST', url: '/models/recsys/versions/1/promote', options: { key: ci, body }, status: 403, code: 'FORBIDDEN' },
      { what: 'events asks the gate', method: 'POST', url: '/deploy-gate', options: { key: events, body: { project: 'recsys', env: 'prd' } }, status: 403, code: 'FORBIDDEN' },
      { what: 'ci edits a project', method: 'PUT', url: '/projects/recsys', options: { key: ci, ...yaml(projectYaml('recsys', 'recsys')) }, status: 403, code: 'FORBIDDEN' },
      { what: 'promoter makes a key', method: 'POST', url: '/api-keys', options: { key: dave, body: { name: 'escalate', roles: ['admin'] } }, status: 403, code: 'FORBIDDEN' },
      { what: 'reader approves', method: 'POST', url: `/promotions/${pending.body.id}/approve`, options: { key: reader, body: {} }, status: 403, code: 'FORBIDDEN' },
      { what: 'approver = requester', method: 'POST', url: `/promotions/${pending.body.id}/approve`, options: { key: dave, body: {} }, status: 403, code: 'SELF_APPROVAL' },
      { what: 'requester rejects own', method: 'POST', url: `/promotions/${pending.body.id}/reject`, options: { key: dave, body: {} }, status: 403, code: 'SELF_APPROVAL' },
    ]);
    const after = await rowCounts();
    expect(after).toEqual(before);
    expect(mlflowWrites()).toBe(writesBefore);
    expect(mlflow.state.registry.version('gated', 1).currentStage).toBe('Staging');
    expect((await t.request('GET', `/promotions/${pending.body.id}`, { key: reader })).body).toMatchObject({ status: 'pending_approval', approvals: [] });
    Object.assign(counts, { refused: n, rows_changed: rowsChangedSince(before, after), mlflow_writes: mlflowWrites() - writesBefore });
  }, 20_000);

  faultScenario('10', 'UPDATE/DELETE on audit_events; a row altered with the trigger off', async (counts) => {
    const verify = async () => (await t.request('GET', '/audit/verify')).body;
    const whole = await verify();
    expect(whole.valid).toBe(true);
    const [target] = await sql<{ seq: number }>('SELECT seq::int AS seq FROM audit_events ORDER BY seq LIMIT 1 OFFSET 1');
    let refused = 0;
    for (const statement of [`UPDATE audit_events SET reason = 'forged' WHERE seq = ${target.seq}`, `DELETE FROM audit_events WHERE seq = ${target.seq}`, 'TRUNCATE audit_events']) {
      await expect(sql(statement)).rejects.toMatchObject({ code: '42501' });
      refused += 1;
    }
    expect(await verify()).toEqual(whole);

    await withDatabase(t.databaseUrl, async (db) => {
      await db.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
      await db.query(`UPDATE audit_events SET actor = 'mallory' WHERE seq = ${target.seq}`);
      await db.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
    });
    const broken = await verify();
    expect(broken).toMatchObject({ valid: false, first_broken_seq: target.seq, problem: expect.stringContaining('altered') });
    Object.assign(counts, { sql_refused: refused, events: whole.checked, tampered_seq: target.seq, named: broken.first_broken_seq });
  }, 15_000);
});
