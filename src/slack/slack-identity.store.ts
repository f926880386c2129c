import type { Tx } from '../database/transactions';

/** A Slack user acting in modelgate as the approver key `actor`. */
export interface SlackIdentity {
  slackUserId: string;
  actor: string;
  linkedBy: string;
  linkedAt: Date;
}

/** The links from Slack users to approvers; one per Slack user. */
export abstract class SlackIdentityStore {
  abstract find(slackUserId: string, tx?: Tx): Promise<SlackIdentity | undefined>;
  /** Creates or replaces the link; returns it as stored. */
  abstract link(identity: Omit<SlackIdentity, 'linkedAt'>, tx: Tx): Promise<SlackIdentity>;
  /** Deletes the link; returns it, or undefined when there was none. */
  abstract unlink(slackUserId: string, tx: Tx): Promise<SlackIdentity | undefined>;
  /** Ordered by Slack user id, after `after` when given. */
  abstract list(limit: number, after?: string): Promise<SlackIdentity[]>;
}
