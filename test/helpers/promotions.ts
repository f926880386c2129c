import type { TestApp, TestResponse } from './test-app';

/** Minimal valid config.yaml for a project owning `model`, with extra YAML sections appended. */
export function projectYaml(name: string, model: string, extra = ''): string {
  return [
    `project_name: ${name}`,
    'version: "1.0.0"',
    'owners: { tech_owner: "ml-team@rentcars.com" }',
    'schedule: { enabled: false }',
    'batch: { pipeline: { steps: [ { id: train } ] } }',
    `model: { name: ${model} }`,
    extra,
  ].join('\n');
}

export async function putProject(t: TestApp, name: string, yaml: string): Promise<void> {
  const res = await t.request('PUT', `/projects/${name}`, { raw: { payload: yaml, contentType: 'application/yaml' } });
  if (res.status >= 300) throw new Error(`PUT /projects/${name}: ${res.status} ${res.text}`);
}

export function promote(t: TestApp, key: string, model: string, version: string | number, stage: string, extra: Record<string, unknown> = {}, headers?: Record<string, string>): Promise<TestResponse> {
  return t.request('POST', `/models/${model}/versions/${version}/promote`, { key, body: { stage, reason: 'tested and ready', ...extra }, headers });
}
