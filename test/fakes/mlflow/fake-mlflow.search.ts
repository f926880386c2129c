import { MlflowApiError } from './fake-mlflow.errors';

/**
 * The subset of MLflow's search grammar the fake understands: clauses joined by AND, each
 * `key op value`, where key is `name`, `tags.x`, `metrics.x`, `params.x`, `attributes.x` (or a bare
 * attribute), op is = != < <= > >= LIKE ILIKE IN NOT IN, and value a quoted string, a number or a
 * parenthesised list of strings.
 */
export interface Clause {
  type: 'attribute' | 'tag' | 'metric' | 'param';
  key: string;
  op: string;
  value: string | number | string[];
}

/** Reads a clause's key on one entity; undefined when the entity has no such value. */
export type FieldReader<T> = (entity: T, type: Clause['type'], key: string) => string | number | undefined;

const TOKEN =
  /\s*(?:(?<list>\((?:\s*(?:'[^']*'|"[^"]*")\s*,?)*\))|(?<str>'[^']*'|"[^"]*")|(?<num>-?\d+(?:\.\d+)?(?:e-?\d+)?)|(?<op>!=|<=|>=|=|<|>|\bNOT\s+IN\b|\bIN\b|\bI?LIKE\b)|(?<ident>(?:[A-Za-z_][\w.]*|`[^`]+`)(?:\.(?:`[^`]+`|[\w.]+))*))/iy;

function invalid(filter: string): MlflowApiError {
  return new MlflowApiError(400, 'INVALID_PARAMETER_VALUE', `Invalid filter '${filter}'. Could not be parsed.`);
}

function classify(ident: string): Pick<Clause, 'type' | 'key'> {
  const unquote = (s: string) => s.replace(/^`|`$/g, '');
  const dot = ident.indexOf('.');
  const prefix = dot > 0 ? ident.slice(0, dot).toLowerCase() : '';
  const rest = unquote(ident.slice(dot + 1));
  if (['tags', 'tag'].includes(prefix)) return { type: 'tag', key: rest };
  if (['metrics', 'metric'].includes(prefix)) return { type: 'metric', key: rest };
  if (['params', 'param', 'parameter', 'parameters'].includes(prefix)) return { type: 'param', key: rest };
  if (['attributes', 'attribute', 'attr', 'run'].includes(prefix)) return { type: 'attribute', key: rest };
  return { type: 'attribute', key: unquote(ident) };
}

export function parseFilter(filter: string | undefined): Clause[] {
  if (!filter || filter.trim() === '') return [];
  const parts = filter.trim().split(/\s+AND\s+/i);
  return parts.map((part) => {
    const tokens: { kind: string; text: string }[] = [];
    TOKEN.lastIndex = 0;
    while (TOKEN.lastIndex < part.length) {
      const m = TOKEN.exec(part);
      if (!m?.groups) throw invalid(filter);
      const kind = Object.keys(m.groups).find((k) => m.groups![k] !== undefined)!;
      tokens.push({ kind, text: m.groups[kind] });
      if (part.slice(TOKEN.lastIndex).trim() === '') break;
    }
    if (tokens.length !== 3 || tokens[0].kind !== 'ident' || tokens[1].kind !== 'op') throw invalid(filter);
    const [ident, op, raw] = tokens;
    const value =
      raw.kind === 'str'
        ? raw.text.slice(1, -1)
        : raw.kind === 'num'
          ? Number(raw.text)
          : raw.kind === 'list'
            ? [...raw.text.matchAll(/'([^']*)'|"([^"]*)"/g)].map((x) => x[1] ?? x[2])
            : undefined;
    if (value === undefined) throw invalid(filter);
    return { ...classify(ident.text), op: op.text.toUpperCase().replace(/\s+/g, ' '), value };
  });
}

function like(pattern: string, caseInsensitive: boolean): RegExp {
  const body = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${body}$`, caseInsensitive ? 'is' : 's');
}

export function matches<T>(entity: T, clauses: Clause[], read: FieldReader<T>): boolean {
  return clauses.every((c) => {
    const lhs = read(entity, c.type, c.key);
    if (lhs === undefined) return false;
    const rhs = c.value;
    switch (c.op) {
      case '=':
        return typeof lhs === 'number' ? lhs === Number(rhs) : lhs === String(rhs);
      case '!=':
        return typeof lhs === 'number' ? lhs !== Number(rhs) : lhs !== String(rhs);
      case '<':
        return Number(lhs) < Number(rhs);
      case '<=':
        return Number(lhs) <= Number(rhs);
      case '>':
        return Number(lhs) > Number(rhs);
      case '>=':
        return Number(lhs) >= Number(rhs);
      case 'LIKE':
        return like(String(rhs), false).test(String(lhs));
      case 'ILIKE':
        return like(String(rhs), true).test(String(lhs));
      case 'IN':
        return Array.isArray(rhs) && rhs.includes(String(lhs));
      case 'NOT IN':
        return Array.isArray(rhs) && !rhs.includes(String(lhs));
      default:
        return false;
    }
  });
}

export interface OrderTerm {
  type: Clause['type'];
  key: string;
  desc: boolean;
}

export function parseOrderBy(orderBy: string[] | undefined): OrderTerm[] {
  return (orderBy ?? []).map((term) => {
    const m = /^\s*(\S+)(?:\s+(ASC|DESC))?\s*$/i.exec(term);
    if (!m) throw new MlflowApiError(400, 'INVALID_PARAMETER_VALUE', `Invalid order_by clause '${term}'. Could not be parsed.`);
    return { ...classify(m[1]), desc: (m[2] ?? 'ASC').toUpperCase() === 'DESC' };
  });
}

/** Sorts by the terms in order; a missing value sorts last either way, as in MLflow's SQL store. */
export function sortBy<T>(items: T[], terms: OrderTerm[], read: FieldReader<T>): T[] {
  return [...items].sort((a, b) => {
    for (const t of terms) {
      const x = read(a, t.type, t.key);
      const y = read(b, t.type, t.key);
      if (x === y) continue;
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      const cmp = x < y ? -1 : 1;
      return t.desc ? -cmp : cmp;
    }
    return 0;
  });
}

/** MLflow's page tokens: base64 of Python's `json.dumps({"offset": N})`. */
export const pageToken = (offset: number) => Buffer.from(`{"offset": ${offset}}`).toString('base64');

export function offsetOf(token: unknown): number {
  if (token === undefined || token === null || token === '') return 0;
  try {
    const parsed = JSON.parse(Buffer.from(String(token), 'base64').toString('utf8')) as { offset?: unknown };
    if (Number.isInteger(parsed.offset) && (parsed.offset as number) >= 0) return parsed.offset as number;
  } catch {
    // fall through
  }
  throw new MlflowApiError(400, 'INVALID_PARAMETER_VALUE', 'Invalid page token, could not base64-decode');
}

/**
 * One page. `fullPageMeansMore` copies the run store, which hands out a token whenever a page is
 * full (so the next page may be empty); the registry stores only do when more rows exist.
 */
export function paginate<T>(items: T[], maxResults: number, token: unknown, fullPageMeansMore = false): { page: T[]; next?: string } {
  const offset = offsetOf(token);
  const page = items.slice(offset, offset + maxResults);
  const more = fullPageMeansMore ? page.length === maxResults : items.length > offset + maxResults;
  return more ? { page, next: pageToken(offset + maxResults) } : { page };
}
