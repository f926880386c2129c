import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ApiKeysService } from './api-keys.service';

/** Guarantees someone can administer a fresh install, without ever logging a key. */
@Injectable()
export class AdminKeyBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminKeyBootstrap.name);

  constructor(
    private readonly keys: ApiKeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.adminApiKey) {
      await this.keys.ensureAdminKey(this.config.adminApiKey);
      return;
    }
    const key = await this.keys.issueFirstAdminKey();
    if (!key) return;
    const file = join(this.config.dataDir, 'admin.key');
    try {
      await mkdir(this.config.dataDir, { recursive: true, mode: 0o700 });
      await unlink(file).catch(() => undefined);
      await writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      this.logger.error({ err, file }, 'created the first admin API key but could not write it; set ADMIN_API_KEY and restart');
      return;
    }
    this.logger.warn({ file }, `first start: an admin API key was created and written to ${file} (mode 0600)`);
  }
}
