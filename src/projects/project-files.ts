import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Same cap as PUT /projects/:name: a config is small. */
export const MAX_CONFIG_BYTES = 256 * 1024;

export interface ProjectFile {
  /** Relative to PROJECTS_DIR: `recsys/config.yaml`. */
  path: string;
  text?: string;
  /** Why the file could not be read. */
  problem?: string;
}

/**
 * Every `*\/config.yaml` one level under `dir`, by folder name. Hidden entries are skipped (a
 * Kubernetes ConfigMap volume keeps its real files under `..data`); symlinked folders are followed.
 * Throws when `dir` itself cannot be read.
 */
export async function scanProjectFiles(dir: string): Promise<ProjectFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => !e.name.startsWith('.') && (e.isDirectory() || e.isSymbolicLink()))
    .map((e) => e.name)
    .sort();
  const files: ProjectFile[] = [];
  for (const name of names) {
    const path = `${name}/config.yaml`;
    const full = join(dir, name, 'config.yaml');
    const info = await stat(full).catch(() => undefined);
    if (!info?.isFile()) continue;
    if (info.size > MAX_CONFIG_BYTES) {
      files.push({ path, problem: `the file is larger than ${MAX_CONFIG_BYTES / 1024} KiB` });
      continue;
    }
    try {
      files.push({ path, text: await readFile(full, 'utf8') });
    } catch (err) {
      files.push({ path, problem: `the file cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})` });
    }
  }
  return files;
}
