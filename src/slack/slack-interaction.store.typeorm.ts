import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { SlackMessage } from '../notifications/templates/pipeline-slack';
import type { RefusalCode } from './decision-message';
import type { SlackClick, SlackDecision } from './slack-interaction';
import { InteractionOutcome, InteractionStatus, SlackInteraction, SlackInteractionStore } from './slack-interaction.store';

interface Row {
  id: string;
  action_key: string;
  slack_user_id: string;
  promotion_id: string;
  decision: SlackDecision;
  response_url: string;
  message: SlackMessage | null;
  status: InteractionStatus;
  actor: string | null;
  outcome: 'voted' | 'refused' | null;
  refusal_code: RefusalCode | null;
  refusal_message: string | null;
  attempts: number;
  last_error: string | null;
  received_at: Date;
  finished_at: Date | null;
}

const toInteraction = (r: Row): SlackInteraction => ({
  id: r.id,
  actionKey: r.action_key,
  slackUserId: r.slack_user_id,
  promotionId: r.promotion_id,
  decision: r.decision,
  responseUrl: r.response_url,
  message: r.message ?? undefined,
  status: r.status,
  actor: r.actor,
  outcome: r.outcome,
  refusalCode: r.refusal_code,
  refusalMessage: r.refusal_message,
  attempts: r.attempts,
  lastError: r.last_error,
  receivedAt: r.received_at,
  finishedAt: r.finished_at,
});

@Injectable()
export class TypeOrmSlackInteractionStore extends SlackInteractionStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {
    super();
  }

  async record(c: SlackClick, claimedUntil: Date): Promise<SlackInteraction | undefined> {
    const rows: Row[] = await this.db.query(
      `INSERT INTO slack_interactions (action_key, slack_user_id, promotion_id, decision, response_url, message, retry_at, attempts)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 1)
       ON CONFLICT (action_key) DO NOTHING RETURNING *`,
      [c.actionKey, c.slackUserId, c.promotionId, c.decision, c.responseUrl, c.message ? JSON.stringify(c.message) : null, claimedUntil],
    );
    return rows[0] && toInteraction(rows[0]);
  }

  async claimDue(now: Date, claimedUntil: Date, limit: number): Promise<SlackInteraction[]> {
    const [rows]: [Row[], number] = await this.db.query(
      `UPDATE slack_interactions SET retry_at = $2, attempts = attempts + 1 WHERE id IN (
         SELECT id FROM slack_interactions WHERE status <> 'done' AND retry_at <= $1 ORDER BY retry_at LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [now, claimedUntil, limit],
    );
    return rows.map(toInteraction);
  }

  async decide(id: string, o: InteractionOutcome): Promise<SlackInteraction> {
    const refused = o.outcome === 'refused' ? o : undefined;
    const [rows]: [Row[], number] = await this.db.query(
      `UPDATE slack_interactions SET status = 'decided', outcome = $2, actor = $3, refusal_code = $4, refusal_message = $5 WHERE id = $1 RETURNING *`,
      [id, o.outcome, o.actor, refused?.refusalCode ?? null, refused?.refusalMessage ?? null],
    );
    return toInteraction(rows[0]);
  }

  async postpone(id: string, retryAt: Date, error: string): Promise<void> {
    await this.db.query('UPDATE slack_interactions SET retry_at = $2, last_error = $3 WHERE id = $1', [id, retryAt, error.slice(0, 1000)]);
  }

  async finish(id: string, error?: string): Promise<void> {
    await this.db.query(`UPDATE slack_interactions SET status = 'done', finished_at = now(), last_error = COALESCE($2, last_error) WHERE id = $1`, [id, error?.slice(0, 1000) ?? null]);
  }
}
