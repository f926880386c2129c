import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Tx, entityManagerOf } from '../database/transactions';
import { SlackIdentity, SlackIdentityStore } from './slack-identity.store';

interface Row {
  slack_user_id: string;
  actor: string;
  linked_by: string;
  linked_at: Date;
}

const toIdentity = (r: Row): SlackIdentity => ({ slackUserId: r.slack_user_id, actor: r.actor, linkedBy: r.linked_by, linkedAt: r.linked_at });

@Injectable()
export class TypeOrmSlackIdentityStore extends SlackIdentityStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {
    super();
  }

  async find(slackUserId: string, tx?: Tx): Promise<SlackIdentity | undefined> {
    const rows: Row[] = await entityManagerOf(tx, this.db.manager).query('SELECT * FROM slack_identities WHERE slack_user_id = $1', [slackUserId]);
    return rows[0] && toIdentity(rows[0]);
  }

  async link(i: Omit<SlackIdentity, 'linkedAt'>, tx: Tx): Promise<SlackIdentity> {
    const rows: Row[] = await entityManagerOf(tx, this.db.manager).query(
      `INSERT INTO slack_identities (slack_user_id, actor, linked_by) VALUES ($1, $2, $3)
       ON CONFLICT (slack_user_id) DO UPDATE SET actor = EXCLUDED.actor, linked_by = EXCLUDED.linked_by, linked_at = now()
       RETURNING *`,
      [i.slackUserId, i.actor, i.linkedBy],
    );
    return toIdentity(rows[0]);
  }

  async unlink(slackUserId: string, tx: Tx): Promise<SlackIdentity | undefined> {
    const [rows]: [Row[], number] = await entityManagerOf(tx, this.db.manager).query('DELETE FROM slack_identities WHERE slack_user_id = $1 RETURNING *', [slackUserId]);
    return rows[0] && toIdentity(rows[0]);
  }

  async list(limit: number, after?: string): Promise<SlackIdentity[]> {
    const rows: Row[] = await this.db.query(
      `SELECT * FROM slack_identities ${after === undefined ? '' : 'WHERE slack_user_id > $2'} ORDER BY slack_user_id LIMIT $1`,
      after === undefined ? [limit] : [limit, after],
    );
    return rows.map(toIdentity);
  }
}
