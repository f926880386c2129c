/**
 * `($1, $2::jsonb), ($3, $4::jsonb)` and its parameters, for a multi-row INSERT. Each value is sent
 * as a parameter of its own: unlike an array parameter (unnest), no text is escaped element by
 * element, which costs much on large JSON.
 */
export function valuesList(rows: readonly unknown[][], casts: readonly (string | undefined)[] = []): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const sql = rows
    .map((row) => `(${row.map((value, i) => `$${params.push(value)}${casts[i] ? `::${casts[i]}` : ''}`).join(', ')})`)
    .join(', ');
  return { sql, params };
}
