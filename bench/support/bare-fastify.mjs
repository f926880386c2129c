// The baselines of the benches: bare Fastify (the version Nest's adapter uses), no plugin, no logger,
// doing the same work as the modelgate route it is compared with by the plainest means. Its own
// process, so that it shares nobody's event loop:
//   node bench/support/bare-fastify.mjs <json>   → prints {"url": ...} once listening; SIGTERM stops it
// json: { keys: { [key]: { name, roles } }, databaseUrl?, poolSize?, gate?: { model, version, stage, run_id, source } }
import { createHash, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Fastify = require('fastify');

const options = JSON.parse(process.argv[2] ?? '{}');
const keys = new Map(Object.entries(options.keys ?? {}).map(([key, actor]) => [createHash('sha256').update(key).digest('hex'), actor]));

/** The caller's key looked up in memory: `Authorization: Bearer` or `X-API-Key`, by its sha256 as modelgate stores it. */
function actorOf(request) {
  const auth = request.headers.authorization;
  const key = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : request.headers['x-api-key'];
  return typeof key === 'string' ? keys.get(createHash('sha256').update(key).digest('hex')) : undefined;
}

const app = Fastify({ bodyLimit: 256 * 1024 });

// GET /me: the same JSON as modelgate's.
app.get('/me', async (request, reply) => {
  const actor = actorOf(request);
  if (!actor) return reply.code(401).send({ status: 401, code: 'UNAUTHENTICATED' });
  return { name: actor.name, roles: actor.roles };
});

// GET /deploy-gate/:project: the INSERT of one decision row through pg, answered with the gate's JSON.
if (options.databaseUrl) {
  const { Pool } = require('pg');
  const pool = new Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
  const g = options.gate;
  app.get('/deploy-gate/:project', async (request, reply) => {
    const actor = actorOf(request);
    if (!actor) return reply.code(401).send({ status: 401, code: 'UNAUTHENTICATED' });
    const { rows } = await pool.query(
      `INSERT INTO deploy_decisions (id, project, env, model, version, stage, run_id, source, outcome, reasons, caller, commit, pipeline_url)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING *`,
      [randomUUID(), request.params.project, request.query.env, g.model, g.version, g.stage, g.run_id, g.source, 'allowed', '[]', actor.name, null, null],
    );
    const r = rows[0];
    return { allowed: true, decision_id: r.id, project: r.project, env: r.env, model: r.model, version: r.version, stage: r.stage, run_id: r.run_id, source: r.source };
  });
}

// POST /events/eventbridge: the body parsed (Fastify's JSON parser), answered 202 as modelgate does.
app.post('/events/eventbridge', async (request, reply) => {
  if (!actorOf(request)) return reply.code(401).send({ status: 401, code: 'UNAUTHENTICATED' });
  if (typeof request.body !== 'object' || request.body === null) return reply.code(400).send({ status: 400, code: 'INVALID_EVENT' });
  return reply.code(202).send({ accepted: true, duplicate: false, ignored: false });
});

const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(JSON.stringify({ url }) + '\n');
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
