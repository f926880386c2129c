import startPostgres from '../../setup/global-setup';
import { chromiumPath } from './chromium';

/** Fails the whole run at once, saying how to fix it, when there is no Chromium: these tests never skip. */
export default async function globalSetup(): Promise<void> {
  chromiumPath();
  await startPostgres();
}
