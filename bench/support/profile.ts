import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { BenchApp } from './bench-app';
import type { Baseline } from './baseline';
import type { LoadResult } from './load';

const SUMMARY = join(__dirname, '..', 'profile-summary.mjs');

/** Now on the monotonic clock, in µs: the unit and clock of `--cpu-prof` timestamps in every process. */
export const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

export interface ProfiledLoad {
  result: LoadResult;
  window: [number, number];
}

/** Runs a load and notes its window on the monotonic clock. */
export async function windowed(run: () => Promise<LoadResult>): Promise<ProfiledLoad> {
  const from = monotonicUs();
  const result = await run();
  return { result, window: [from, monotonicUs()] };
}

/**
 * Stops both (their profiles are written at exit) and answers bench/profile-summary.mjs' table: CPU
 * per request by package in the app and in the baseline, over each one's load window.
 */
export async function profileSummary(app: { process: BenchApp; load: ProfiledLoad }, baseline: { process: Baseline; load: ProfiledLoad }): Promise<string> {
  const appProfile = await app.process.stop();
  const baseProfile = await baseline.process.stop();
  if (!appProfile || !baseProfile) return 'no profile was written';
  // One window covering both loads: each profile only has samples of its own process.
  const window = [Math.min(app.load.window[0], baseline.load.window[0]), Math.max(app.load.window[1], baseline.load.window[1])];
  const args = [
    SUMMARY,
    appProfile,
    '--requests',
    String(app.load.result.total),
    '--baseline',
    baseProfile,
    '--baseline-requests',
    String(baseline.load.result.total),
    '--window',
    window.join(','),
  ];
  return new Promise((resolve, reject) =>
    execFile(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
  );
}
