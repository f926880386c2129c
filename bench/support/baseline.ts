import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rssOf } from './bench-app';

const SCRIPT = join(__dirname, 'bare-fastify.mjs');

export interface Actor {
  name: string;
  roles: string[];
}

export interface BaselineOptions {
  /** Key → actor, held in memory. */
  keys: Record<string, Actor>;
  /** For the gate's INSERT. */
  databaseUrl?: string;
  poolSize?: number;
  gate?: { model: string; version: string; stage: string; run_id: string; source: string };
}

export interface Baseline {
  url: string;
  pid: number;
  rssMiB(): number;
  /** With `cpuProf`, answers the profile written at exit. */
  stop(): Promise<string | undefined>;
}

/** bench/support/bare-fastify.mjs in its own process. */
export async function startBaseline(options: BaselineOptions, cpuProf = false): Promise<Baseline> {
  const profDir = mkdtempSync(join(tmpdir(), 'modelgate-bench-baseline-'));
  const args = cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, SCRIPT] : [SCRIPT];
  const child = spawn(process.execPath, [...args, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    child.once('exit', (code) => reject(new Error(`baseline exited with ${code}`)));
  });
  return {
    url: (JSON.parse(line) as { url: string }).url,
    pid: child.pid!,
    rssMiB: () => rssOf(child.pid!),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      if (!cpuProf || !existsSync(profDir)) return undefined;
      const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
      return file ? join(profDir, file) : undefined;
    },
  };
}
