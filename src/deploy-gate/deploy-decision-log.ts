import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { GroupCommit } from '../common/group-commit';
import { isRowRefused } from '../database/sql-errors';
import { Transactions } from '../database/transactions';
import { LifecyclePublisher } from '../lifecycle-events/lifecycle-publisher';
import { DeployDecisionRecord, DeployDecisionStore, IdentifiedDecision, NewDeployDecision } from './deploy-decision.store';

/**
 * Writes the gate's decisions. CI bursts: concurrent decisions share one multi-row INSERT; each
 * still waits for its commit. A row PostgreSQL refuses fails only its own caller: the others are
 * written again without it. With EVENT_BUS_NAME set, a batch and its `Deploy Gate Decision` bus
 * events commit together.
 */
@Injectable()
export class DeployDecisionLog {
  private readonly writer = new GroupCommit<IdentifiedDecision, DeployDecisionRecord>((batch) => this.write(batch), {
    blamesOneItem: isRowRefused,
  });

  constructor(
    private readonly store: DeployDecisionStore,
    private readonly transactions: Transactions,
    private readonly lifecycle: LifecyclePublisher,
  ) {}

  /** The id is fixed before the first try, so a batch written again can never hold a row twice. */
  record(decision: NewDeployDecision): Promise<DeployDecisionRecord> {
    return this.writer.submit({ ...decision, id: randomUUID() });
  }

  private async write(batch: IdentifiedDecision[]): Promise<DeployDecisionRecord[]> {
    if (!this.lifecycle.enabled) return this.store.insertMany(undefined, batch);
    const records = await this.transactions.run(async (tx) => {
      const inserted = await this.store.insertMany(tx, batch);
      await this.lifecycle.deployDecisions(tx, inserted);
      return inserted;
    });
    this.lifecycle.wake();
    return records;
  }
}
