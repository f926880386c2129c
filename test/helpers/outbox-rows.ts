import type { TestApp } from './test-app';
import { withDatabase } from './test-database';
import { waitUntil } from './wait';

/** An outbox row as the notification specs look at it. */
export interface OutboxRow {
  id: string;
  kind: string;
  recipient: string;
  status: string;
  attempts: number;
  last_error: string | null;
}

/** The outbox rows about one Step Functions execution, by kind and recipient. */
export const outboxRowsOf = (app: TestApp, executionArn: string): Promise<OutboxRow[]> =>
  withDatabase(app.databaseUrl, async (db) =>
    (await db.query<OutboxRow>('SELECT id, kind, recipient, status, attempts, last_error FROM outbox WHERE execution_arn = $1 ORDER BY kind, recipient', [executionArn])).rows,
  );

/** Every outbox row of the execution once none is pending any more. */
export const settledOutboxRows = (app: TestApp, executionArn: string, timeoutMs = 10_000): Promise<OutboxRow[]> =>
  waitUntil(
    `the notifications of ${executionArn} to settle`,
    async () => {
      const rows = await outboxRowsOf(app, executionArn);
      return rows.length > 0 && rows.every((r) => r.status !== 'pending') && rows;
    },
    timeoutMs,
  );
