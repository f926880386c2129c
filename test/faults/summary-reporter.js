// Prints the fault-injection suite's table once the whole jest run is over (a reporter runs in
// jest's own process; the spec files, in workers, write one JSON file per scenario to its folder).
const { mkdtempSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const RESULTS_VAR = 'MODELGATE_FAULTS_RESULTS';
/** The counted scenarios of the suite (issue: fault-injection suite, 1–10). */
const SCENARIOS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

function scenarioOrder(a, b) {
  return parseInt(a.id, 10) - parseInt(b.id, 10) || String(a.id).localeCompare(String(b.id));
}

/** The table: one line per scenario, in scenario order. */
function formatFaultTable(outcomes) {
  const rows = [...outcomes].sort(scenarioOrder).map((o) => [
    String(o.id),
    o.scenario,
    o.result,
    `${(o.ms / 1000).toFixed(1)} s`,
    Object.entries(o.counts).map(([k, v]) => `${k}=${v}`).join(' '),
  ]);
  const header = ['#', 'scenario', 'result', 'time', 'counts'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (i === 4 ? 0 : r[i].length))));
  const line = (cells) => cells.map((c, i) => (i === 4 ? c : c.padEnd(widths[i]))).join('  ');
  const failed = outcomes.filter((o) => o.result !== 'passed').length;
  const seen = new Set(outcomes.map((o) => parseInt(o.id, 10)));
  const notRun = SCENARIOS.filter((n) => !seen.has(n));
  return [
    '',
    `Fault-injection suite: ${outcomes.length - failed} of ${outcomes.length} scenarios passed`,
    line(header),
    ...rows.map(line),
    ...(notRun.length ? [`not run in this jest run: ${notRun.join(', ')}`] : []),
    '',
  ].join('\n');
}

class FaultSummaryReporter {
  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'modelgate-faults-'));
    // Workers are started after the reporters, so they inherit this.
    process.env[RESULTS_VAR] = this.dir;
  }

  onRunComplete() {
    try {
      const outcomes = readdirSync(this.dir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => JSON.parse(readFileSync(join(this.dir, f), 'utf8')));
      if (outcomes.length > 0) process.stdout.write(formatFaultTable(outcomes));
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

module.exports = FaultSummaryReporter;
module.exports.formatFaultTable = formatFaultTable;
module.exports.RESULTS_VAR = RESULTS_VAR;
