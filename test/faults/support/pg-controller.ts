import { ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { MAIN_JS } from '../../helpers/app-process';

const REPO_ROOT = join(__dirname, '..', '..', '..');

/**
 * Drives the built `startEmbeddedPostgres` in a child process (it loads an ES module with import(),
 * which jest's sandbox refuses): `start` answers the server's URL, `stop` stops it, data kept.
 */
const SCRIPT = `
const pino = require('pino');
const { startEmbeddedPostgres } = require(process.env.EMBEDDED_PG_JS);
const lines = require('node:readline').createInterface({ input: process.stdin });
let server;
const say = (line) => process.stdout.write(line + '\\n');
lines.on('line', async (command) => {
  try {
    if (command === 'start') {
      server = await startEmbeddedPostgres(process.env.PG_DATA_DIR, pino({ level: 'silent' }), { persistent: true, database: 'modelgate' });
      say('url ' + server.url);
    } else if (command === 'stop') {
      await server.stop();
      say('stopped');
    }
  } catch (err) {
    say('error ' + String(err && err.message).replace(/\\n/g, ' '));
  }
});
lines.on('close', async () => {
  if (server) await server.stop().catch(() => undefined);
  process.exit(0);
});
`;

export class PgController {
  private readonly replies: string[] = [];
  private readonly waiting: ((line: string) => void)[] = [];

  private constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const next = this.waiting.shift();
      if (next) next(line);
      else this.replies.push(line);
    });
  }

  static open(dataDir: string): PgController {
    const child = spawn(process.execPath, ['-e', SCRIPT], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', PG_DATA_DIR: dataDir, EMBEDDED_PG_JS: join(dirname(MAIN_JS), 'database', 'embedded-postgres.js') },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    return new PgController(child);
  }

  /** Starts the server (initialising the data dir the first time); answers its URL. */
  async start(): Promise<string> {
    const reply = await this.send('start');
    if (!reply.startsWith('url ')) throw new Error(`embedded PostgreSQL did not start: ${reply}`);
    return reply.slice(4);
  }

  async stop(): Promise<void> {
    const reply = await this.send('stop');
    if (reply !== 'stopped') throw new Error(`embedded PostgreSQL did not stop: ${reply}`);
  }

  /** Stops the server if it runs, and ends the child. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin!.end();
    await exited;
  }

  private send(command: string): Promise<string> {
    this.child.stdin!.write(`${command}\n`);
    const queued = this.replies.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}
