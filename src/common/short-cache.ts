/**
 * Answers kept for a short time and shared by concurrent askers (a burst makes one upstream call).
 * A failed answer is never kept: the next ask tries again.
 */
export class ShortCache<V> {
  private readonly entries = new Map<string, { at: number; value: Promise<V> }>();

  constructor(
    private readonly freshMs: number,
    private readonly maxEntries = 1000,
  ) {}

  /** `maxAgeMs`: how old an answer this ask accepts (default: the cache's freshness). */
  get(key: string, load: () => Promise<V>, maxAgeMs = this.freshMs): Promise<V> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at <= Math.min(maxAgeMs, this.freshMs)) return hit.value;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const value = load();
    this.entries.set(key, { at: now, value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  /** Forgets every key for which `matches` is true. */
  forget(matches: (key: string) => boolean): void {
    for (const key of this.entries.keys()) if (matches(key)) this.entries.delete(key);
  }
}
