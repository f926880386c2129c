/** Request headers as `@Headers()` hands them over. */
export type RequestHeaders = Record<string, string | string[] | undefined>;

/** A header sent once, as a string; undefined when missing or repeated (a signed request's headers are never lists). */
export const singleHeader = (headers: RequestHeaders, name: string): string | undefined => {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
};
