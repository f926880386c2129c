#!/usr/bin/env node
// Where a process' CPU time goes, by package, from a `node --cpu-prof` profile.
//
//   node bench/profile-summary.mjs app.cpuprofile [--requests N] [--window FROM_US,TO_US]
//        [--baseline base.cpuprofile --baseline-requests M] [--top 15]
//
// --requests: divides by the requests answered in the window (µs of CPU per request).
// --window: only samples between these instants (µs of the monotonic clock, as process.hrtime
//   gives them in any process of this machine), e.g. the load's start and end.
// --baseline: a second profile (the bare-Fastify baseline under the same load); prints, per group,
//   what modelgate spends per request beyond it.
// Self time only (a function's own samples, not its callees'), grouped by where the code lives.
import { readFileSync } from 'node:fs';

const GROUPS = [
  ['Nest core', /node_modules\/(@nestjs\/(core|common|platform-fastify)|rxjs|reflect-metadata)\//],
  ['class-validator/transformer', /node_modules\/(class-validator|class-transformer|validator|libphonenumber-js)\//],
  ['pino/pino-http', /node_modules\/(pino|pino-http|nestjs-pino|pino-std-serializers|sonic-boom|fast-redact|thread-stream|quick-format-unescaped|safe-stable-stringify|fast-safe-stringify|on-exit-leak-free|atomic-sleep|get-caller-file)\//],
  ['helmet', /node_modules\/(helmet|@fastify\/helmet)\//],
  ['prom-client', /node_modules\/(prom-client|tdigest|bintrees)\//],
  ['fastify', /node_modules\/(fastify|find-my-way|avvio|@fastify\/[^/]+|fast-json-stringify|secure-json-parse|fast-querystring|light-my-request|toad-cache|abstract-logging|process-warning|rfdc|fast-uri|ret|safe-regex2|json-schema-ref-resolver|ajv|ajv-formats)\//],
  ['pg/TypeORM', /node_modules\/(pg|pg-pool|pg-protocol|pg-types|pg-connection-string|postgres-[a-z]+|typeorm|buffer-writer|packet-reader)\//],
  ['AWS SDK', /node_modules\/(@aws-sdk|@smithy|@aws-crypto|fast-xml-parser)\//],
  ['axios', /node_modules\/(axios|axios-retry|follow-redirects|form-data|proxy-from-env)\//],
  ['async hooks', /^node:(internal\/)?async_(hooks|local_storage)|^node:internal\/async_local_storage/],
  ['modelgate (own code)', /\/dist\/src\/|\/src\/[^/]+\.ts|bench\/support\/bare-fastify\.mjs/],
];

function groupOf(frame) {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(garbage collector)') return 'garbage collector';
    if (functionName === '(program)') return 'V8/native (program)';
    return `native: ${functionName || '(anonymous)'}`;
  }
  for (const [name, pattern] of GROUPS) if (pattern.test(url)) return name;
  if (url.startsWith('node:')) return 'node core (http, net, streams, timers)';
  const pkg = /node_modules\/((@[^/]+\/)?[^/]+)\//.exec(url);
  return pkg ? `other package: ${pkg[1]}` : 'other';
}

function parseArgs(argv) {
  const args = { files: [], top: 15 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--requests') args.requests = Number(argv[++i]);
    else if (a === '--baseline') args.baseline = argv[++i];
    else if (a === '--baseline-requests') args.baselineRequests = Number(argv[++i]);
    else if (a === '--window') args.window = argv[++i].split(',').map(Number);
    else if (a === '--top') args.top = Number(argv[++i]);
    else args.files.push(a);
  }
  return args;
}

/** Self time (µs) by group and by function, within the window. */
export function summarise(profile, window) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const groups = new Map();
  const functions = new Map();
  let t = profile.startTime;
  let busy = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (window && (t < window[0] || t > window[1])) continue;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    const frame = byId.get(profile.samples[i]).callFrame;
    const group = groupOf(frame);
    groups.set(group, (groups.get(group) ?? 0) + dt);
    if (group !== 'idle') {
      busy += dt;
      const where = frame.url ? `${frame.url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/')}:${frame.lineNumber + 1}` : '';
      const key = `${frame.functionName || '(anonymous)'} ${where}`.trim();
      functions.set(key, (functions.get(key) ?? 0) + dt);
    }
  }
  return { groups, functions, busy };
}

const load = (file) => JSON.parse(readFileSync(file, 'utf8'));
const ms = (us) => (us / 1000).toFixed(0).padStart(7);
const per = (us, n) => (n ? (us / n).toFixed(1).padStart(8) : '       -');

function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.files.length !== 1) {
    process.stderr.write('usage: profile-summary.mjs app.cpuprofile [--requests N] [--window FROM_US,TO_US] [--baseline base.cpuprofile --baseline-requests M] [--top 15]\n');
    process.exit(2);
  }
  const app = summarise(load(args.files[0]), args.window);
  const base = args.baseline ? summarise(load(args.baseline), args.window) : undefined;
  const names = [...new Set([...app.groups.keys(), ...(base ? base.groups.keys() : [])])]
    .filter((g) => g !== 'idle')
    .sort((a, b) => (app.groups.get(b) ?? 0) - (app.groups.get(a) ?? 0));
  const lines = [];
  const header = base
    ? `${'CPU by group (self time)'.padEnd(42)} ${'app ms'.padStart(7)} ${'µs/req'.padStart(8)} ${'base µs/req'.padStart(11)} ${'extra µs/req'.padStart(12)}`
    : `${'CPU by group (self time)'.padEnd(42)} ${'ms'.padStart(7)} ${'µs/req'.padStart(8)} ${'share'.padStart(6)}`;
  lines.push(header);
  for (const g of names) {
    const a = app.groups.get(g) ?? 0;
    if (base) {
      const b = base.groups.get(g) ?? 0;
      const extra = args.requests && args.baselineRequests ? (a / args.requests - b / args.baselineRequests).toFixed(1) : '-';
      lines.push(`${g.padEnd(42)} ${ms(a)} ${per(a, args.requests)} ${per(b, args.baselineRequests).padStart(11)} ${extra.padStart(12)}`);
    } else {
      lines.push(`${g.padEnd(42)} ${ms(a)} ${per(a, args.requests)} ${((100 * a) / app.busy).toFixed(1).padStart(5)}%`);
    }
  }
  const total = base
    ? `${'total busy'.padEnd(42)} ${ms(app.busy)} ${per(app.busy, args.requests)} ${per(base.busy, args.baselineRequests).padStart(11)} ${
        args.requests && args.baselineRequests ? (app.busy / args.requests - base.busy / args.baselineRequests).toFixed(1).padStart(12) : ''
      }`
    : `${'total busy'.padEnd(42)} ${ms(app.busy)} ${per(app.busy, args.requests)}`;
  lines.push(total, '', `top ${args.top} functions by self time (app)`);
  for (const [fn, us] of [...app.functions].sort((a, b) => b[1] - a[1]).slice(0, args.top)) {
    lines.push(`${ms(us)} ms ${per(us, args.requests)} µs/req  ${fn}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) main();
