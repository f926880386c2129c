import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { gateAnswers, inOrder, refusedPortUrl, startFakeGate, type FakeGate, type GateScript } from '../fakes/gate/fake-gate-server';

const CLI = join(__dirname, '..', '..', 'bin', 'modelgate-gate.mjs');
const KEY = 'mg_ci_3f9c2a7e5b1d4c8a9e0f6b2d7c4a1e8f';

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the CLI as CI would, with exactly this environment, and checks the key never shows. */
async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  clearTimeout(killer);
  const run = { code, stdout, stderr, ms: Date.now() - started };
  expect(run.stdout + run.stderr).not.toContain(KEY);
  return run;
}

const lines = (text: string) => text.split('\n').filter(Boolean);

/** The CLI's own account of how long it tried (wall-clock time also counts Node's start-up). */
function gaveUpAfterS(run: CliRun): number {
  const match = /gave up after \d+ attempt\(s\) in ([\d.]+) s \(--timeout-s [\d.]+\)/.exec(run.stderr);
  if (!match) throw new Error(`no "gave up" line in:\n${run.stderr}`);
  return Number(match[1]);
}

describe('bin/modelgate-gate.mjs against a fake deploy gate', () => {
  let gate: FakeGate | undefined;
  const serve = async (script: GateScript) => {
    gate = await startFakeGate(KEY, script);
    return { MODELGATE_URL: gate.url, MODELGATE_API_KEY: KEY };
  };
  afterEach(async () => {
    await gate?.close();
    gate = undefined;
  });

  it('exits 0 when allowed, naming the version and source, with KEY=VALUE lines on stdout', async () => {
    const env = await serve(inOrder(gateAnswers.allowed({ project: 'recsys', env: 'prd', version: '2', stage: 'Production', run_id: 'r2' })));
    const run = await runCli(['--project', 'recsys', '--env', 'prd', '--version', '2', '--commit', 'abc123', '--pipeline-url', 'https://ci/1'], env);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('allowed: deploy recsys to prd with model recsys version 2 (Production)');
    expect(run.stderr).toContain('source: runs:/r2/model');
    const out = lines(run.stdout);
    expect(out).toEqual([
      'MODELGATE_ALLOWED=true',
      expect.stringMatching(/^MODELGATE_DECISION_ID=[0-9a-f-]{36}$/),
      'MODELGATE_PROJECT=recsys',
      'MODELGATE_ENV=prd',
      'MODELGATE_MODEL=recsys',
      'MODELGATE_STAGE=Production',
      'MODELGATE_RUN_ID=r2',
      'MODELGATE_SOURCE=runs:/r2/model',
      'MODELGATE_MODEL_URI=models:/recsys/Production',
      'MODELGATE_VERSION_URI=models:/recsys/2',
      'MODELGATE_VERSION=2',
    ]);
    expect(gate!.requests).toHaveLength(1);
    expect(gate!.requests[0]).toMatchObject({
      method: 'POST',
      path: '/deploy-gate',
      authorization: `Bearer ${KEY}`,
      body: { project: 'recsys', env: 'prd', version: 2, commit: 'abc123', pipeline_url: 'https://ci/1' },
    });
  });

  it('lets the gate pick the version, and takes commit and run URL from GitHub Actions variables', async () => {
    const env = await serve(inOrder(gateAnswers.allowed({ project: 'recsys', env: 'dev', version: '3', stage: 'Staging', run_id: 'r3' })));
    const github = { GITHUB_SHA: 'deadbeef', GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'rentcars/recsys', GITHUB_RUN_ID: '42' };
    const run = await runCli(['--project', 'recsys', '--env', 'dev', '--url', `${gate!.url}/`], { ...env, MODELGATE_URL: 'http://unused.invalid', ...github });
    expect(run.code).toBe(0);
    expect(lines(run.stdout).at(-1)).toBe('MODELGATE_VERSION=3');
    expect(gate!.requests[0].body).toEqual({
      project: 'recsys',
      env: 'dev',
      commit: 'deadbeef',
      pipeline_url: 'https://github.com/rentcars/recsys/actions/runs/42',
    });
  });

  it('exits 1 when denied, printing every reason, without retrying', async () => {
    const reasons = ['no version of model recsys is in Production', 'version 3 of recsys is in Staging; prd needs Production'];
    const env = await serve(inOrder(gateAnswers.denied(reasons)));
    const run = await runCli(['--project', 'recsys', '--env', 'prd'], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('denied: recsys may not be deployed to prd');
    for (const reason of reasons) expect(run.stderr).toContain(`  - ${reason}`);
    expect(lines(run.stdout)).toEqual(['MODELGATE_ALLOWED=false', expect.stringMatching(/^MODELGATE_DECISION_ID=/)]);
    expect(gate!.requests).toHaveLength(1);
  });

  it('retries 503 GATE_UNAVAILABLE with growing pauses and exits 0 once the gate answers', async () => {
    const env = await serve(inOrder(gateAnswers.unavailable(), gateAnswers.unavailable(), gateAnswers.allowed({ project: 'recsys', env: 'prd', version: '2', stage: 'Production', run_id: 'r2' })));
    const run = await runCli(['--project', 'recsys', '--env', 'prd', '--timeout-s', '10'], env);
    expect(run.code).toBe(0);
    expect(lines(run.stdout).at(-1)).toBe('MODELGATE_VERSION=2');
    expect(run.stderr).toContain('HTTP 503 GATE_UNAVAILABLE');
    expect(run.stderr).toContain('retrying in');
    const at = gate!.requests.map((r) => r.at);
    expect(at).toHaveLength(3);
    // Equal jitter: the first pause is 250–500 ms, the second 500–1000 ms.
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(240);
    expect(at[2] - at[1]).toBeGreaterThanOrEqual(490);
  });

  it('honours Retry-After on 429 before asking again', async () => {
    const tooMany = gateAnswers.error(429, 'TOO_MANY_REQUESTS', 'slow down', { 'retry-after': '1' });
    const env = await serve(inOrder(tooMany, gateAnswers.allowed({ project: 'recsys', env: 'prd', version: '2', stage: 'Production', run_id: 'r2' })));
    const run = await runCli(['--project', 'recsys', '--env', 'prd'], env);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('HTTP 429 TOO_MANY_REQUESTS: slow down');
    expect(run.stderr).toContain('retrying in 1.0 s');
    expect(gate!.requests[1].at - gate!.requests[0].at).toBeGreaterThanOrEqual(990);
  });

  it('exits 2 within the timeout when the gate stays unavailable', async () => {
    const env = await serve(inOrder(gateAnswers.unavailable()));
    const run = await runCli(['--project', 'recsys', '--env', 'prd', '--timeout-s', '2'], env);
    expect(run.code).toBe(2);
    // The budget is used (the last pause is shortened to fit one more try), never overrun.
    expect(gaveUpAfterS(run)).toBeGreaterThanOrEqual(1.7);
    expect(gaveUpAfterS(run)).toBeLessThanOrEqual(2);
    expect(run.ms).toBeLessThan(4000);
    expect(gate!.requests.length).toBeGreaterThanOrEqual(4);
    expect(run.stderr).toContain('HTTP 503 GATE_UNAVAILABLE: MLflow cannot be asked');
    expect(run.stderr).toContain('not deploying: the gate fails closed');
    expect(run.stdout).toBe('');
  });

  it('exits 2 within the timeout when nothing listens (connection refused)', async () => {
    const url = await refusedPortUrl();
    const run = await runCli(['--project', 'recsys', '--env', 'prd', '--timeout-s', '1.5'], { MODELGATE_URL: url, MODELGATE_API_KEY: KEY });
    expect(run.code).toBe(2);
    expect(gaveUpAfterS(run)).toBeLessThanOrEqual(1.5);
    expect(run.ms).toBeLessThan(4000);
    expect(run.stderr).toContain(`cannot reach ${url}: ECONNREFUSED`);
    expect(run.stdout).toBe('');
  });

  it('exits 2 at the timeout when the gate accepts the connection but never answers', async () => {
    const env = await serve(() => 'hang');
    const run = await runCli(['--project', 'recsys', '--env', 'prd', '--timeout-s', '1'], env);
    expect(run.code).toBe(2);
    expect(run.ms).toBeGreaterThanOrEqual(900);
    expect(gaveUpAfterS(run)).toBeLessThanOrEqual(1.1);
    expect(run.ms).toBeLessThan(4000);
    expect(run.stderr).toContain(`no answer from ${gate!.url} in time`);
  });

  it('exits 2 at once on a wrong key (401), printing the server message but never a key', async () => {
    const env = await serve(inOrder(gateAnswers.allowed({ project: 'recsys', env: 'prd', version: '2', stage: 'Production', run_id: 'r2' })));
    const run = await runCli(['--project', 'recsys', '--env', 'prd'], { ...env, MODELGATE_API_KEY: 'mg_wrong_key_0000' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/HTTP 401 UNAUTHENTICATED: missing or unknown API key \(request_id req-\d+-401\)/);
    expect(run.stdout + run.stderr).not.toContain('mg_wrong_key_0000');
    expect(gate!.requests).toHaveLength(1);
  });

  it.each([
    [404, 'PROJECT_NOT_FOUND', 'no project named nope'],
    [400, 'ENV_NOT_CONFIGURED', 'project recsys does not configure env qa'],
    [403, 'FORBIDDEN', 'this key lacks the ci role'],
  ])('exits 2 at once on %i %s (not a denial)', async (status, code, message) => {
    const env = await serve(inOrder(gateAnswers.error(status, code, message)));
    const run = await runCli(['--project', 'recsys', '--env', 'prd'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`HTTP ${status} ${code}: ${message}`);
    expect(gate!.requests).toHaveLength(1);
  });

  it('redacts the key should the server ever echo it', async () => {
    const env = await serve(inOrder(gateAnswers.denied([`key ${KEY} may not deploy`])));
    const run = await runCli(['--project', 'recsys', '--env', 'prd'], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('key [redacted] may not deploy');
  });

  it('exits 2 on a 200 that is not a gate answer, and on a redirect', async () => {
    const env = await serve(inOrder({ status: 200, raw: '<html>login</html>' }, { status: 302, headers: { location: 'https://sso.example/login' } }));
    const first = await runCli(['--project', 'recsys', '--env', 'prd'], env);
    expect(first.code).toBe(2);
    expect(first.stderr).toContain('not an answer of the deploy gate');
    const second = await runCli(['--project', 'recsys', '--env', 'prd'], env);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain('redirected to https://sso.example/login');
  });

  it('keeps stdout one KEY=VALUE per line even if a value carries a newline', async () => {
    const env = await serve(
      inOrder(gateAnswers.allowed({ project: 'recsys', env: 'prd', version: '2', stage: 'Production', run_id: 'r2', source: 's3://b/m\nMODELGATE_VERSION=9' })),
    );
    const run = await runCli(['--project', 'recsys', '--env', 'prd'], env);
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toHaveLength(11);
    expect(lines(run.stdout).filter((l) => l.startsWith('MODELGATE_VERSION='))).toEqual(['MODELGATE_VERSION=2']);
  });

  it("passes an aliases-mode model URI and MLflow 3's models:/m-… source through; an older modelgate's answer gets no URI lines", async () => {
    const source = 'models:/m-0f2a9c7e5b1d4c8a9e0f6b2d7c4a1e8f';
    const env = await serve(
      inOrder(
        gateAnswers.allowed({ project: 'recsys', env: 'prd', version: '4', stage: 'Production', run_id: 'r4', source, model_uri: 'models:/recsys@champion' }),
        { status: 200, body: { allowed: true, decision_id: 'd-old', project: 'recsys', env: 'prd', model: 'recsys', version: '4', stage: 'Production', run_id: 'r4', source } },
      ),
    );
    const aliases = lines((await runCli(['--project', 'recsys', '--env', 'prd'], env)).stdout);
    expect(aliases).toEqual(expect.arrayContaining([`MODELGATE_SOURCE=${source}`, 'MODELGATE_MODEL_URI=models:/recsys@champion', 'MODELGATE_VERSION_URI=models:/recsys/4']));
    const older = lines((await runCli(['--project', 'recsys', '--env', 'prd'], env)).stdout);
    expect(older.filter((l) => l.includes('_URI='))).toEqual([]);
    expect(older.at(-1)).toBe('MODELGATE_VERSION=4');
  });

  it('prints help (exit 0) and refuses bad arguments (exit 2) without echoing anything secret', async () => {
    const help = await runCli(['--help'], { MODELGATE_API_KEY: KEY });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--project NAME');
    expect(help.stdout).toContain('Exit codes:');
    const missing = await runCli(['--env', 'prd'], { MODELGATE_API_KEY: KEY });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--project is required');
    expect(missing.stderr).toContain('the modelgate URL is required');
    const stray = await runCli(['--project', 'recsys', '--env', 'prd', 'mg_pasted_secret'], { MODELGATE_URL: 'http://127.0.0.1:1' });
    expect(stray.code).toBe(2);
    expect(stray.stderr).not.toContain('mg_pasted_secret');
    const noKey = await runCli(['--project', 'recsys', '--env', 'prd', '--version', 'two'], { MODELGATE_URL: 'http://127.0.0.1:1' });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('--version must be a positive whole number');
    expect(noKey.stderr).toContain('an API key is required');
  });
});
