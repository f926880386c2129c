import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { StateMachineCheck } from './reconcile-window';
import { StateMachineCheckStore } from './state-machine-check.store';

@Injectable()
export class TypeOrmStateMachineCheckStore extends StateMachineCheckStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {
    super();
  }

  async find(stateMachineArn: string): Promise<StateMachineCheck | undefined> {
    const rows: { list_from: Date | null; checked_through: Date | null }[] = await this.db.query(
      'SELECT list_from, checked_through FROM state_machine_checks WHERE state_machine_arn = $1',
      [stateMachineArn],
    );
    const row = rows[0];
    return row?.list_from && row.checked_through ? { stateMachineArn, listFrom: row.list_from, checkedThrough: row.checked_through } : undefined;
  }

  async saveSuccess(check: StateMachineCheck, project: string): Promise<void> {
    await this.db.query(
      `INSERT INTO state_machine_checks (state_machine_arn, project, list_from, checked_through, last_success_at, last_error, updated_at)
       VALUES ($1, $2, $3, $4, now(), NULL, now())
       ON CONFLICT (state_machine_arn) DO UPDATE SET project = $2, list_from = $3, checked_through = $4,
         last_success_at = now(), last_error = NULL, updated_at = now()`,
      [check.stateMachineArn, project, check.listFrom, check.checkedThrough],
    );
  }

  async saveFailure(stateMachineArn: string, project: string, error: string): Promise<void> {
    await this.db.query(
      `INSERT INTO state_machine_checks (state_machine_arn, project, last_failure_at, last_error, updated_at)
       VALUES ($1, $2, now(), $3, now())
       ON CONFLICT (state_machine_arn) DO UPDATE SET project = $2, last_failure_at = now(), last_error = $3, updated_at = now()`,
      [stateMachineArn, project, error.slice(0, 2000)],
    );
  }
}
