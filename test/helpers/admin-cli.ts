import { spawn } from 'node:child_process';
import { join } from 'node:path';

const CLI = join(__dirname, '..', '..', 'bin', 'modelgate-admin.mjs');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `bin/modelgate-admin.mjs` as an operator would, with exactly this environment (no AWS
 * profile or config file is read), and checks that none of `secrets` shows in its output.
 */
export async function runAdmin(args: string[], env: Record<string, string>, secrets: string[]): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? '',
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? '',
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: '/nonexistent/modelgate-test-aws-config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/modelgate-test-aws-credentials',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  clearTimeout(killer);
  for (const secret of secrets) expect(stdout + stderr).not.toContain(secret);
  return { code, stdout, stderr };
}

export const lines = (text: string): string[] => text.split('\n').filter(Boolean);
