// Prints the targets table of one `npm run bench` once every bench has run (a reporter runs in
// jest's own process; the benches write one JSON file per measure to MODELGATE_BENCH_RESULTS).
const { mkdtempSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const { cpus, tmpdir } = require('node:os');
const { join } = require('node:path');

function formatTargets(results) {
  const rows = [...results].sort((a, b) => a.order - b.order);
  const cell = (s) => String(s).replace(/\|/g, '\\|');
  return [
    '',
    `modelgate benchmarks: ${rows.filter((r) => r.met).length} of ${rows.length} targets met (${cpus().length} cores, one run)`,
    '',
    '| measure | measured | target | met | baseline |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${cell(r.measure)} | ${cell(r.measured)} | ${cell(r.target)} | ${r.met ? 'yes' : 'NO'} | ${cell(r.baseline)} |`),
    '',
  ].join('\n');
}

class BenchSummaryReporter {
  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'modelgate-bench-'));
    process.env.MODELGATE_BENCH_RESULTS = this.dir;
  }

  onRunComplete() {
    try {
      const results = readdirSync(this.dir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => JSON.parse(readFileSync(join(this.dir, f), 'utf8')));
      if (results.length > 0) process.stdout.write(formatTargets(results));
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

module.exports = BenchSummaryReporter;
