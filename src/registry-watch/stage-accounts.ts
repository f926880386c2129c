import { Injectable } from '@nestjs/common';
import { Transactions } from '../database/transactions';
import type { Stage } from '../common/stage';
import type { ResolvedProject } from '../projects/project.types';
import { stageUnaccounted } from './drift';
import { ExpectationStore, ModelAccount } from './expectation.store';
import { FirstSight } from './first-sight';

/** A version in a stage modelgate did not put it in, said the way the gate answers it. */
export interface UnaccountedVersion {
  version: string;
  observedStage: Stage;
  expectedStage: Stage;
  expectedSince: Date | null;
  reason: string;
}

const isoSeconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Pure: whether `account` accounts for `version` being in `stage`; a change modelgate still owes accounts for everything. */
export function unaccountedIn(account: ModelAccount, model: string, version: string, stage: Stage): UnaccountedVersion | undefined {
  if (!account.seenAt || account.owedBy.length > 0) return undefined;
  const expected = account.expectations.get(version);
  if (!stageUnaccounted(expected, stage)) return undefined;
  const expectedStage = expected?.stage ?? 'None';
  const expectedSince = expected?.setAt ?? account.baselineAdoptedAt ?? account.seenAt;
  const since = expectedSince ? ` since ${isoSeconds(expectedSince)}` : '';
  return {
    version,
    observedStage: stage,
    expectedStage,
    expectedSince,
    reason: `version ${version} of ${model} is in ${stage} in MLflow, but not through modelgate (expected ${expectedStage}${since}); promote it or adopt it`,
  };
}

/**
 * What the deploy gate asks of modelgate's own record: a model's account, first sight done (so a
 * decision on a model never seen adopts first and nothing allowed before becomes denied). Never
 * cached here: the gate keeps it beside its MLflow read, and forgets both together.
 */
@Injectable()
export class StageAccounts {
  constructor(
    private readonly store: ExpectationStore,
    private readonly firstSight: FirstSight,
    private readonly transactions: Transactions,
  ) {}

  async read(project: ResolvedProject): Promise<ModelAccount> {
    const account = await this.store.account(project.modelName);
    if (account.seenAt) return account;
    await this.firstSight.ensure(project, (work) => this.transactions.run(work));
    return this.store.account(project.modelName);
  }
}
