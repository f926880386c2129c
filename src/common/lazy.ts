/** A value built on first use (an SDK client an idle replica never needs, say). */
export class Lazy<T> {
  private built?: T;

  constructor(private readonly build: () => T) {}

  get value(): T {
    return (this.built ??= this.build());
  }

  /** The value if it was built, without building it. */
  peek(): T | undefined {
    return this.built;
  }
}
