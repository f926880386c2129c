import type { Tx } from './transactions';

/** What a follower of one channel hears. */
export interface ChangeListener {
  /** An announcement on the channel, from any replica (this one included), with its payload. */
  changed(payload: string): void;
  /** `false` when the feed is down (announcements may be missed), `true` once it follows again. */
  live(isLive: boolean): void;
}

/** Channel names are SQL identifiers: lowercase letters, digits and `_`. */
export const CHANNEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Announcements between replicas through PostgreSQL (LISTEN/NOTIFY): one listening connection per
 * process, shared by every feature that follows a channel.
 */
export abstract class ChangeFeed {
  /**
   * Tells every replica following `channel`; inside `tx` the announcement is delivered when it
   * commits (and never if it rolls back), without one at once. Payloads are at most 7,000 bytes.
   */
  abstract announce(channel: string, payload: string, tx?: Tx): Promise<void>;
  /** Follows `channel` until the returned function is called. */
  abstract watch(channel: string, listener: ChangeListener): () => Promise<void>;
}
