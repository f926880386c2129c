import { execFile } from 'node:child_process';
import { join } from 'node:path';

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  /** Answers by status, where the load generator counts them (events). */
  statuses?: Record<string, number>;
  total: number;
}

export interface LoadOptions {
  connections: number;
  durationS: number;
  headers?: Record<string, string>;
}

const AUTOCANNON = join(__dirname, '..', '..', 'node_modules', 'autocannon', 'autocannon.js');
const EVENTS_LOAD = join(__dirname, 'events-load.mjs');

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
  );
}

/** autocannon in its own process, so the load generator never shares the app's event loop. */
export async function load(url: string, opts: LoadOptions): Promise<LoadResult> {
  const args = [AUTOCANNON, '--json', '-c', String(opts.connections), '-d', String(opts.durationS)];
  for (const [k, v] of Object.entries(opts.headers ?? {})) args.push('-H', `${k}=${v}`);
  args.push(url);
  const r = JSON.parse(await run(args)) as {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
  };
  return { requestsPerSecond: r.requests.average, p50Ms: r.latency.p50, p99Ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors, total: r.requests.total };
}

/** Unique EventBridge events POSTed by autocannon in its own process (bench/support/events-load.mjs). */
export async function loadEvents(url: string, opts: LoadOptions & { key: string; project: string; status: string }): Promise<LoadResult> {
  const spec = { url, key: opts.key, durationS: opts.durationS, connections: opts.connections, project: opts.project, status: opts.status };
  const r = JSON.parse(await run([EVENTS_LOAD, 'ingest', JSON.stringify(spec)])) as {
    sent: number;
    statuses: Record<string, number>;
    durationS: number;
    latencyMs: { p50: number; p99: number };
    errors: number;
  };
  const accepted = r.statuses['202'] ?? 0;
  return {
    requestsPerSecond: accepted / r.durationS,
    p50Ms: r.latencyMs.p50,
    p99Ms: r.latencyMs.p99,
    non2xx: Object.entries(r.statuses).reduce((n, [code, count]) => (code.startsWith('2') ? n : n + count), 0),
    errors: r.errors,
    statuses: r.statuses,
    total: r.sent,
  };
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Runs each load in turn, `rounds` times (A B A B …), so that noise from other work on the machine
 * hits all alike; answers every result by name.
 */
export async function alternate<K extends string>(rounds: number, loads: Record<K, () => Promise<LoadResult>>): Promise<Record<K, LoadResult[]>> {
  const results = Object.fromEntries(Object.keys(loads).map((k) => [k, [] as LoadResult[]])) as Record<K, LoadResult[]>;
  for (let i = 0; i < rounds; i++) {
    for (const k of Object.keys(loads) as K[]) results[k].push(await loads[k]());
  }
  return results;
}

/** The median of the rounds' ratios (each round's pair ran back to back, under the same noise), and each round's. */
export function ratioOf(app: LoadResult[], baseline: LoadResult[]): { ratio: number; rounds: number[] } {
  const rounds = app.map((r, i) => r.requestsPerSecond / baseline[i].requestsPerSecond);
  return { ratio: median(rounds), rounds };
}

export const fmtRps = (rs: LoadResult[]) => `${Math.round(median(rs.map((r) => r.requestsPerSecond))).toLocaleString('en-US')} req/s`;
