import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess, spawnApp, stopApp } from '../../helpers/app-process';

export const FLEET_ADMIN_KEY = 'mg_faults_admin_key_for_child_processes';

/** A modelgate process of the built service, and how to call it over real HTTP. */
export interface Replica {
  process: AppProcess;
  url: string;
  call<T = any>(method: string, path: string, opts?: { key?: string | null; body?: unknown }): Promise<{ status: number; body: T }>;
}

/** Starts `node dist/src/main.js` on `env` (plus a port, an admin key and dummy AWS credentials) and waits until it listens. */
export async function startReplica(env: Record<string, string | undefined>): Promise<Replica> {
  const full: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ADMIN_API_KEY: FLEET_ADMIN_KEY,
    MODELGATE_DATA_DIR: mkdtempSync(join(tmpdir(), 'modelgate-faults-data-')),
    AWS_ACCESS_KEY_ID: 'AKIAMODELGATETEST000',
    AWS_SECRET_ACCESS_KEY: 'modelgate-test-secret-not-real',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) full[k] = v;
  const proc = spawnApp(full);
  let port: number;
  try {
    port = await proc.listening;
  } catch (err) {
    await stopApp(proc);
    throw err;
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    process: proc,
    url,
    async call(method, path, opts = {}) {
      const key = opts.key === undefined ? FLEET_ADMIN_KEY : opts.key;
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      return { status: res.status, body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
    },
  };
}

/** Sums one Prometheus sample (name and exact label text) from a replica's /metrics. */
export async function metricValue(replica: Replica, sample: string): Promise<number> {
  const text = (await replica.call<string>('GET', '/metrics', { key: null })).body;
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line ? Number(line.split(' ')[1]) : 0;
}
