import { chmodSync, chownSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedDatabaseUnreachableError, assertServerCanReach, firstBlockedFolder } from './embedded-access';

const asRoot = process.getuid?.() === 0 ? describe : describe.skip; // chown needs root
const other = { uid: 54321, gid: 54321 };

asRoot('what the embedded server user can reach', () => {
  let base: string;
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'modelgate-access-'));
    chmodSync(base, 0o755);
  });

  it('passes open folders, and folders not created yet', () => {
    mkdirSync(join(base, 'a'), { mode: 0o755 });
    expect(firstBlockedFolder(join(base, 'a', 'not-yet', 'pg'), other)).toBeUndefined();
  });

  it('names the first folder another user cannot enter', () => {
    mkdirSync(join(base, 'home', 'clone'), { recursive: true });
    chmodSync(join(base, 'home'), 0o700);
    expect(firstBlockedFolder(join(base, 'home', 'clone', 'x'), other)).toBe(join(base, 'home'));
  });

  it('lets the owner, or a member of the group, in by their own bits', () => {
    mkdirSync(join(base, 'own'), { mode: 0o700 });
    chownSync(join(base, 'own'), other.uid, 0);
    mkdirSync(join(base, 'grp'), { mode: 0o710 });
    chownSync(join(base, 'grp'), 0, other.gid);
    expect(firstBlockedFolder(join(base, 'own'), other)).toBeUndefined();
    expect(firstBlockedFolder(join(base, 'grp'), other)).toBeUndefined();
  });

  it('refuses in one sentence naming the folder and the ways out', () => {
    mkdirSync(join(base, 'home', 'data'), { recursive: true });
    chmodSync(join(base, 'home'), 0o700);
    const attempt = () => assertServerCanReach(join(base, 'home', 'data', 'pg'), base, other);
    expect(attempt).toThrow(EmbeddedDatabaseUnreachableError);
    expect(attempt).toThrow(new RegExp(`cannot enter ${join(base, 'home')} .*DATABASE_URL.*MODELGATE_DATA_DIR.*other than root\\.$`));
  });

  it('leaves the data folder\'s own parent to modelgate, which makes it traversable', () => {
    mkdirSync(join(base, 'data'), { mode: 0o700 });
    expect(() => assertServerCanReach(join(base, 'data', 'pg'), base, other)).not.toThrow();
  });
});
