import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Step Functions events as received (idempotent on the event id and on execution + status +
 * redrive count) and the outbox of notifications and bus events written in the same transaction.
 */
export class CreatePipelineEventsAndOutbox1763900300000 implements MigrationInterface {
  name = 'CreatePipelineEventsAndOutbox1763900300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE pipeline_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigint GENERATED ALWAYS AS IDENTITY,
        event_id varchar(256) NOT NULL,
        source varchar(256) NOT NULL,
        detail_type varchar(256) NOT NULL,
        origin varchar(20) NOT NULL DEFAULT 'eventbridge',
        ignored boolean NOT NULL DEFAULT false,
        execution_arn varchar(2048),
        execution_name varchar(256),
        state_machine_arn varchar(2048),
        project varchar(100),
        project_version varchar(100),
        status varchar(32),
        redrive_count integer,
        start_date timestamptz,
        stop_date timestamptz,
        error text,
        cause text,
        event_time timestamptz,
        raw jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pipeline_events_event_id_unique UNIQUE (event_id),
        CONSTRAINT pipeline_events_execution_status_unique UNIQUE (execution_arn, status, redrive_count),
        CONSTRAINT pipeline_events_origin_known CHECK (origin IN ('eventbridge', 'reconciler')),
        CONSTRAINT pipeline_events_execution_complete CHECK (
          ignored OR (execution_arn IS NOT NULL AND state_machine_arn IS NOT NULL AND status IS NOT NULL AND redrive_count IS NOT NULL)
        )
      )`);
    await q.query('CREATE INDEX pipeline_events_execution ON pipeline_events (execution_arn) WHERE NOT ignored');
    await q.query('CREATE INDEX pipeline_events_project ON pipeline_events (project, start_date DESC) WHERE NOT ignored');
    await q.query('CREATE INDEX pipeline_events_received ON pipeline_events (received_at)');

    await q.query(`
      CREATE TABLE outbox (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigint GENERATED ALWAYS AS IDENTITY,
        kind varchar(10) NOT NULL,
        dedupe_key varchar(3000) NOT NULL,
        recipient varchar(320),
        project varchar(100),
        execution_arn varchar(2048),
        payload jsonb NOT NULL,
        status varchar(10) NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        CONSTRAINT outbox_dedupe_key_unique UNIQUE (dedupe_key),
        CONSTRAINT outbox_seq_unique UNIQUE (seq),
        CONSTRAINT outbox_kind_known CHECK (kind IN ('email', 'slack', 'bus')),
        CONSTRAINT outbox_status_known CHECK (status IN ('pending', 'delivered', 'dead')),
        CONSTRAINT outbox_attempts_not_negative CHECK (attempts >= 0)
      )`);
    await q.query(`CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending'`);
    await q.query('CREATE INDEX outbox_status_seq ON outbox (status, seq DESC)');
    await q.query('CREATE INDEX outbox_execution ON outbox (execution_arn) WHERE execution_arn IS NOT NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE outbox');
    await q.query('DROP TABLE pipeline_events');
  }
}
