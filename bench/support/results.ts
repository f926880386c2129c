import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One line of the targets table (bench/summary-reporter.js prints them all at the end of the run). */
export interface TargetResult {
  /** Orders the table. */
  order: number;
  measure: string;
  /** What the figure is compared with, defined. */
  baseline: string;
  measured: string;
  target: string;
  met: boolean;
}

/** Records a line of the targets table, for the reporter in jest's own process. */
export function recordTarget(result: TargetResult): void {
  const dir = process.env.MODELGATE_BENCH_RESULTS;
  if (dir) writeFileSync(join(dir, `${result.order}-${process.pid}-${Date.now()}.json`), JSON.stringify(result));
}

/** Prints lines as they come, so a long run shows progress. */
export function say(...lines: string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`);
}
