/**
 * RFC 8785 (JSON Canonicalization Scheme) for the JSON values modelgate stores. Local rather than the
 * `canonicalize` package: v4 is ESM-only with an import-only `exports` map, so neither the compiled
 * CommonJS app (`require`) nor jest can load it.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** A value RFC 8785 cannot represent (I-JSON excludes NaN, Infinity and lone surrogates). */
export class CanonicalJsonError extends Error {
  constructor(path: string, problem: string) {
    super(`${path}: ${problem}`);
    this.name = 'CanonicalJsonError';
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The canonical text of `value`: keys sorted by UTF-16 code units, ES number form, minimal escapes. */
export function canonicalJson(value: unknown): string {
  return serialize(value, '$', new Set());
}

function serialize(value: unknown, path: string, ancestors: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(path, `${value} is not a JSON number`);
      // ECMAScript Number-to-String is RFC 8785's number form (section 3.2.2.3); it also writes -0 as 0.
      return JSON.stringify(value);
    case 'string':
      return serializeString(value, path);
    case 'object':
      return serializeContainer(value as object, path, ancestors);
    default:
      throw new CanonicalJsonError(path, `${typeof value} is not JSON`);
  }
}

function serializeString(value: string, path: string): string {
  if (LONE_SURROGATE.test(value)) throw new CanonicalJsonError(path, 'a string holds a lone UTF-16 surrogate');
  // JSON.stringify escapes exactly what RFC 8785 section 3.2.2.2 asks: " \ and U+0000..U+001F, in lowercase hex.
  return JSON.stringify(value);
}

function serializeContainer(value: object, path: string, ancestors: Set<object>): string {
  if (ancestors.has(value)) throw new CanonicalJsonError(path, 'a circular reference is not JSON');
  const proto: unknown = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) {
    throw new CanonicalJsonError(path, `a ${value.constructor?.name ?? 'non-plain object'} is not plain JSON`);
  }
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      return `[${value.map((item: unknown, i) => serialize(item, `${path}[${i}]`, ancestors)).join(',')}]`;
    }
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .sort(byUtf16CodeUnits)
      .map((key) => `${serializeString(key, path)}:${serialize(record[key], `${path}.${key}`, ancestors)}`);
    return `{${members.join(',')}}`;
  } finally {
    ancestors.delete(value);
  }
}

/** RFC 8785 section 3.2.3: property names compared as arrays of UTF-16 code units (not code points). */
function byUtf16CodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
