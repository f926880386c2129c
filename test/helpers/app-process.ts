import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The built service; MODELGATE_MAIN_JS (read by the tests only) points at another build, e.g. one made outside dist/. */
export const MAIN_JS = process.env.MODELGATE_MAIN_JS ? resolve(process.env.MODELGATE_MAIN_JS) : join(__dirname, '..', '..', 'dist', 'src', 'main.js');

export interface AppProcess {
  child: ChildProcess;
  /** Everything written so far. */
  output(): string;
  /** Resolves with the port once the app logs that it listens. */
  listening: Promise<number>;
  exited: Promise<number | null>;
}

/** Runs the built service (`node dist/src/main.js`) as a child process with exactly this environment. */
export function spawnApp(env: Record<string, string>): AppProcess {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: npm test builds it first (npm run build)`);
  const child = spawn(process.execPath, [MAIN_JS], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listening = new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"port":(\d+),"msg":"modelgate listening/.exec(out);
      if (match) resolve(Number(match[1]));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`app exited with ${code} before listening:\n${out}`)));
  });
  listening.catch(() => undefined);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, listening, exited };
}

/** SIGTERM, then SIGKILL if the app has not exited within `graceMs`; resolves with the exit code. */
export async function stopApp(app: AppProcess, graceMs = 10_000): Promise<number | null> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return app.exited;
  app.child.kill('SIGTERM');
  const timer = setTimeout(() => app.child.kill('SIGKILL'), graceMs);
  try {
    return await app.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** `kill -9`: no shutdown hook runs, open transactions are cut off mid-way. */
export async function killApp(app: AppProcess): Promise<void> {
  app.child.kill('SIGKILL');
  await app.exited;
}
