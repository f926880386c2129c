import { execFile } from 'node:child_process';
import { join } from 'node:path';

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

const AUTOCANNON = join(__dirname, '..', 'node_modules', 'autocannon', 'autocannon.js');

/** autocannon in its own process, so the load generator never shares the app's event loop. */
export function load(url: string, opts: { connections: number; durationS: number; headers?: Record<string, string> }): Promise<LoadResult> {
  const args = [AUTOCANNON, '--json', '-c', String(opts.connections), '-d', String(opts.durationS)];
  for (const [k, v] of Object.entries(opts.headers ?? {})) args.push('-H', `${k}=${v}`);
  args.push(url);
  return new Promise((resolve, reject) =>
    execFile(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => {
      if (err) return reject(err);
      const r = JSON.parse(stdout) as { requests: { average: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number };
      resolve({ requestsPerSecond: r.requests.average, p50Ms: r.latency.p50, p99Ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors });
    }),
  );
}
