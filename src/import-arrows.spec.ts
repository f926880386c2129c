import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** The arrows of docs/architecture.md that keep the house apart, checked on every import under src/. */
interface Arrow {
  /** Folder under src/ whose files are checked. */
  from: string;
  /** When set, the only folders under src/ (or packages, as `npm:`) its files may import. */
  only?: string[];
  /** Folders under src/ its files must never import. */
  never?: string[];
}

const ARROWS: Arrow[] = [
  { from: 'policies', only: ['policies', 'common'] },
  { from: 'registry-watch', never: ['promotions', 'deploy-gate'] },
  // The outbox sends rows; the features owning them register their channels into it.
  { from: 'outbox', never: ['notifications', 'lifecycle-events', 'events', 'promotions', 'deploy-gate', 'registry-watch', 'slack'] },
  { from: 'lifecycle-events', never: ['notifications', 'events', 'promotions', 'deploy-gate', 'registry-watch', 'slack'] },
];

const SRC = __dirname;
/** Static imports and re-exports (from the start of a line, over several lines), bare imports, and import() / require(). */
const IMPORTS = [/^\s*(?:import|export)\s[^'"]*?\bfrom\s*['"]([^'"]+)['"]/gm, /^\s*import\s*['"]([^'"]+)['"]/gm, /\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** What a file imports: `npm:<package>` for packages, else the top folder under src/ (or `..` for outside it). */
export function importedFolders(file: string, text: string): string[] {
  return IMPORTS.flatMap((pattern) => [...text.matchAll(pattern)]).map(([, specifier]) => {
    if (!specifier.startsWith('.')) return `npm:${specifier}`;
    const target = relative(SRC, resolve(dirname(file), specifier));
    return target.startsWith('..') ? '..' : target.split(sep)[0];
  });
}

function violations(arrow: Arrow): string[] {
  return sourceFiles(join(SRC, arrow.from)).flatMap((file) => {
    const name = relative(SRC, file);
    return importedFolders(file, readFileSync(file, 'utf8'))
      .filter((folder) => (arrow.only ? !arrow.only.includes(folder) : false) || (arrow.never ?? []).includes(folder))
      .map((folder) => `${name} imports ${folder}`);
  });
}

describe('import arrows', () => {
  it('finds the folder each import points at', () => {
    const file = join(SRC, 'policies', 'x.ts');
    const text = [
      "import { a } from './a';",
      "import type {\n  S,\n} from '../common/stage';",
      "export { b } from '../projects/b';",
      "it('reads a value from ', () => undefined);",
      "import 'reflect-metadata';",
      "const c = await import('../../test/c');",
    ].join('\n');
    expect(importedFolders(file, text).sort()).toEqual(['..', 'common', 'npm:reflect-metadata', 'policies', 'projects']);
  });

  it.each(ARROWS)('$from/ keeps to its arrows', (arrow) => {
    expect(sourceFiles(join(SRC, arrow.from)).length).toBeGreaterThan(0);
    expect(violations(arrow)).toEqual([]);
  });
});
