import type { SlackMessage } from '../notifications/templates/pipeline-slack';
import type { RefusalCode } from './decision-message';
import type { SlackClick, SlackDecision } from './slack-interaction';

/**
 * `received`: recorded and acknowledged, not acted on yet; `decided`: the vote is in (or the click
 * was refused) and Slack's reply is still to be posted; `done`: replied, or given up on replying.
 */
export type InteractionStatus = 'received' | 'decided' | 'done';

export interface SlackInteraction {
  id: string;
  actionKey: string;
  slackUserId: string;
  promotionId: string;
  decision: SlackDecision;
  responseUrl: string;
  message?: SlackMessage;
  status: InteractionStatus;
  actor: string | null;
  outcome: 'voted' | 'refused' | null;
  refusalCode: RefusalCode | null;
  refusalMessage: string | null;
  attempts: number;
  lastError: string | null;
  receivedAt: Date;
  finishedAt: Date | null;
}

/** What a click came to: a vote in the promotion, or a refusal told to the clicker. */
export type InteractionOutcome =
  | { outcome: 'voted'; actor: string }
  | { outcome: 'refused'; actor: string | null; refusalCode: RefusalCode; refusalMessage: string };

/** The clicks received from Slack, each worked off once: by the request that received it, or by the recovery loop. */
export abstract class SlackInteractionStore {
  /** Records a click, claimed by its receiver until `claimedUntil`; undefined when it was recorded before (a repeated delivery). */
  abstract record(click: SlackClick, claimedUntil: Date): Promise<SlackInteraction | undefined>;
  /** Claims up to `limit` unfinished interactions whose claim ran out by `now`, each until `claimedUntil`. */
  abstract claimDue(now: Date, claimedUntil: Date, limit: number): Promise<SlackInteraction[]>;
  abstract decide(id: string, outcome: InteractionOutcome): Promise<SlackInteraction>;
  /** Leaves the interaction for the recovery loop, not before `retryAt`. */
  abstract postpone(id: string, retryAt: Date, error: string): Promise<void>;
  /** `error`: why the reply was given up on, if it was. */
  abstract finish(id: string, error?: string): Promise<void>;
}
