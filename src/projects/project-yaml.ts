import { Document, LineCounter, Pair, isPair, isScalar, isSeq, parseDocument, visit } from 'yaml';
import { ConfigProblem, MAX_DEPTH, formatPath } from './project-config';

/** Aliases a legitimate config needs are few; more means an expansion attack (a "YAML bomb"). */
export const MAX_YAML_ALIASES = 100;

export interface YamlRead {
  document?: unknown;
  problems: ConfigProblem[];
  warnings: ConfigProblem[];
}

/**
 * Parses YAML text into a plain value; problems name the line and column of syntax errors.
 * Deep flow nesting is refused before parsing and duplicate keys are found here in one pass: the
 * `yaml` package spends seconds on either within 256 KiB (its own unique-key check is quadratic).
 */
export function readProjectYaml(text: string): YamlRead {
  if (flowDepthExceeds(text, MAX_DEPTH)) return { problems: [{ path: '', message: `nests deeper than ${MAX_DEPTH} levels` }], warnings: [] };
  const lines = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: false, lineCounter: lines });
  const located = (e: { message: string; linePos?: [{ line: number; col: number }, ...unknown[]] }): ConfigProblem => ({
    path: '',
    message: e.message.split('\n')[0].replace(/:$/, ''),
    ...(e.linePos ? { line: e.linePos[0].line, column: e.linePos[0].col } : {}),
  });
  const warnings = doc.warnings.map(located);
  if (doc.errors.length > 0) {
    return { problems: doc.errors.map((e) => ({ ...located(e), message: `YAML syntax error: ${located(e).message}` })), warnings };
  }
  const duplicates = duplicateKeys(doc, lines);
  if (duplicates.length > 0) return { problems: duplicates, warnings };
  try {
    return { document: doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }), problems: [], warnings };
  } catch (err) {
    const message =
      err instanceof ReferenceError && /alias/i.test(err.message)
        ? `the document expands more than ${MAX_YAML_ALIASES} aliases (a YAML bomb) and is refused`
        : `the YAML cannot be read: ${(err as Error).message}`;
    return { problems: [{ path: '', message }], warnings };
  }
}

/** Counts `[`/`{` nesting without parsing; a bracket inside a string can only over-count. */
function flowDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return false;
}

const keyOf = (pair: Pair): string | undefined => (isScalar(pair.key) ? String(pair.key.value) : undefined);

/** The dotted path of a node from the visitor's ancestors. */
function pathOf(chain: readonly unknown[]): (string | number)[] {
  const path: (string | number)[] = [];
  chain.forEach((node, i) => {
    if (isPair(node)) path.push(keyOf(node) ?? '?');
    else if (isSeq(node)) {
      const index = node.items.indexOf(chain[i + 1] as never);
      if (index >= 0) path.push(index);
    }
  });
  return path;
}

function duplicateKeys(doc: Document, lines: LineCounter): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  visit(doc, {
    Map(_key, map, ancestors) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = keyOf(pair);
        if (key === undefined) continue;
        if (seen.has(key)) {
          const offset = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
          const pos = offset === undefined ? undefined : lines.linePos(offset);
          problems.push({
            path: formatPath([...pathOf([...ancestors, map]), key]),
            message: 'the key appears twice in the same mapping',
            ...(pos ? { line: pos.line, column: pos.col } : {}),
          });
        }
        seen.add(key);
      }
    },
  });
  return problems;
}
