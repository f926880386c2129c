import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const MAIN_JS = join(__dirname, '..', '..', 'dist', 'src', 'main.js');

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
