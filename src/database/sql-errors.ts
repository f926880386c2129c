/** The SQLSTATE of a failed query (TypeORM wraps pg's error), or ''. */
export function sqlStateOf(err: unknown): string {
  const e = err as { code?: unknown; driverError?: { code?: unknown } };
  const code = e.driverError?.code ?? e.code;
  return typeof code === 'string' ? code : '';
}

/** SQLSTATE classes of a statement refused for its values: 22 data exception, 23 integrity violation. */
const ROW_REFUSED = new Set(['22', '23']);

/** True when one row's values made the statement fail: written alone, the other rows would go in. */
export function isRowRefused(err: unknown): boolean {
  return ROW_REFUSED.has(sqlStateOf(err).slice(0, 2));
}
