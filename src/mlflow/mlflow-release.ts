/** An MLflow release as its `GET /version` names it, e.g. `2.9.2` or `3.11.2.dev0`. */
export interface MlflowRelease {
  text: string;
  major: number;
  minor: number;
}

export function parseRelease(text: string): MlflowRelease | undefined {
  const match = /^(\d+)\.(\d+)/.exec(text.trim());
  return match ? { text: text.trim(), major: Number(match[1]), minor: Number(match[2]) } : undefined;
}

export function releaseAtLeast(release: MlflowRelease, major: number, minor: number): boolean {
  return release.major > major || (release.major === major && release.minor >= minor);
}

/** Model version aliases (and `get-by-alias`) arrived in MLflow 2.3. */
export const ALIASES_SINCE = { major: 2, minor: 3 } as const;

/** Undefined when the release is not known (or not a release): nothing can be said yet. */
export function supportsAliases(version: string | undefined): boolean | undefined {
  const release = version === undefined ? undefined : parseRelease(version);
  return release && releaseAtLeast(release, ALIASES_SINCE.major, ALIASES_SINCE.minor);
}
