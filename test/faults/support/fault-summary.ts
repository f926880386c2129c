import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FaultOutcome, RESULTS_VAR, formatFaultTable } from '../summary-reporter';

/** What a scenario counted (messages sent, rows found, answers by status…), shown in the summary. */
export type Counts = Record<string, number | string>;

const local: FaultOutcome[] = [];

function record(outcome: FaultOutcome): void {
  const dir = process.env[RESULTS_VAR];
  if (dir) writeFileSync(join(dir, `${outcome.id}-${process.pid}.json`), JSON.stringify(outcome));
  else local.push(outcome);
}

// Without the suite's reporter (another jest config), each file prints its own part of the table.
afterAll(() => {
  if (local.length > 0) process.stdout.write(formatFaultTable(local));
});

/**
 * One counted scenario of the fault-injection suite: a jest test bounded by `timeoutMs` whose
 * outcome and counts go to the summary table, passed or not.
 */
export function faultScenario(id: string, scenario: string, body: (counts: Counts) => Promise<void>, timeoutMs: number): void {
  it(`${id}. ${scenario}`, async () => {
    const counts: Counts = {};
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`scenario ${id} did not finish within ${timeoutMs - 500} ms`)), timeoutMs - 500);
    });
    try {
      await Promise.race([body(counts), deadline]);
      record({ id, scenario, result: 'passed', counts, ms: Date.now() - started });
    } catch (err) {
      record({ id, scenario, result: 'failed', counts, ms: Date.now() - started });
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }, timeoutMs);
}
