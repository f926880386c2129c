import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { extname, join, relative, resolve, sep } from 'node:path';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ConsoleError, ConsoleErrorCode } from './console.errors';

/** `npm run build` bundles the console beside the compiled server (dist/src → dist/console); ts-jest runs the sources. */
const BUILT_CONSOLE_DIR = __filename.endsWith('.ts') ? resolve(__dirname, '..', '..', 'dist', 'console') : resolve(__dirname, '..', '..', 'console');

const INDEX = 'index.html';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export interface ConsoleFile {
  body: Buffer;
  type: string;
  etag: string;
}

/**
 * The console's built files, read once into memory (a few small files). Only names found in the
 * build are ever served, so no request path reaches the file system.
 */
@Injectable()
export class ConsoleFiles {
  private readonly logger = new Logger(ConsoleFiles.name);
  private readonly dir: string;
  private files?: Map<string, ConsoleFile>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.dir = config.consoleDir ?? BUILT_CONSOLE_DIR;
  }

  /** The file at `path` (relative to /console/); any other path is a page of the app: its index. */
  async find(path: string): Promise<ConsoleFile> {
    const files = (this.files ??= await this.load());
    return files.get(path) ?? files.get(INDEX)!;
  }

  /** Not cached when the build is missing: it may be built while the server runs. */
  private async load(): Promise<Map<string, ConsoleFile>> {
    const names = await listFiles(this.dir).catch((): string[] => []);
    if (!names.includes(INDEX)) {
      throw new ConsoleError(ConsoleErrorCode.CONSOLE_NOT_BUILT, 'The web console is not built on this server: run `npm run build`, which bundles it into dist/console', {
        missing: join(this.dir, INDEX),
      });
    }
    const files = new Map<string, ConsoleFile>();
    for (const name of names) {
      const body = await readFile(join(this.dir, name));
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      files.set(name, { body, type: TYPES[extname(name)] ?? 'application/octet-stream', etag });
    }
    this.logger.log({ dir: this.dir, files: names.length }, 'web console loaded');
    return files;
  }
}

/** Every file under `dir`, as paths relative to it with `/` separators. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'));
}
