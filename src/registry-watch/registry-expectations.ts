import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/transactions';
import type { Stage } from '../common/stage';
import type { RegistryMode } from '../registry-mode/registry-mode';
import { stageUnaccounted } from './drift';
import { DriftStore } from './drift.store';
import { ALIASES_OWED, ExpectationStore, ExpectationWrite, ModelAccount } from './expectation.store';

/** A promotion or rollback as expectations read it (the promotions feature's `Promotion` fits). */
export interface PromotionOutcome {
  id: string;
  kind: 'promotion' | 'rollback';
  model: string;
  version: string;
  toStage: Stage;
  /** The Production versions it archived. */
  archivedVersions: string[];
}

/** What of a project's registry mode shapes the expectations a change leaves. */
export type ExpectationMode = Pick<RegistryMode, 'exclusiveStages' | 'aliasesIn' | 'mirrorsAliases'>;

/** A version a change moved, and where to. */
export interface MovedVersion {
  version: string;
  stage: Stage;
}

/** A version whose stage in MLflow modelgate cannot account for: an open drift, or one not yet recorded. */
export interface UnaccountedStage {
  version: string;
  expectedStage: Stage;
  observedStage: Stage;
  /** When modelgate's expectation was set (or the model first seen, for a version it never touched). */
  expectedSince: Date | null;
  /** Set when the watcher already recorded it. */
  driftId?: string;
}

/**
 * How the features that change MLflow keep modelgate's expectations, in their own transactions:
 * a change is owed from the commit before MLflow is called until the commit after (the watcher
 * leaves an owed model alone), and its outcome becomes what modelgate expects.
 */
@Injectable()
export class RegistryExpectations {
  constructor(
    private readonly store: ExpectationStore,
    private readonly drifts: DriftStore,
  ) {}

  /** In the commit that records `applying`, `approved` or `rejecting`. */
  owe(tx: Tx, model: string, changeId: string): Promise<void> {
    return this.store.owe(model, changeId, tx);
  }

  /**
   * In the commit that completes a promotion or rollback: the version is expected in its new stage,
   * every other version expected in that stage when it holds one version only (Production; in
   * aliases mode Staging too) and those it archived in Archived, with the stage aliases of the mode.
   * A mirror of the aliases (stages mode) writes next, owed until it did. Answers the versions moved.
   */
  async promotionCompleted(tx: Tx, p: PromotionOutcome, mode: ExpectationMode): Promise<MovedVersion[]> {
    const account = await this.store.account(p.model, tx);
    const archived = new Set(p.archivedVersions);
    if (mode.exclusiveStages.includes(p.toStage)) {
      for (const e of account.expectations.values()) if (e.stage === p.toStage) archived.add(e.version);
    }
    archived.delete(p.version);
    const rows = [
      this.row(account, p.version, p.toStage, p.kind, p.id, mode),
      ...[...archived].map((v) => this.row(account, v, 'Archived', 'archive', p.id, mode)),
    ];
    await this.store.put(p.model, rows, tx);
    await this.store.release(p.model, p.id, tx);
    if (mode.mirrorsAliases) await this.store.owe(p.model, ALIASES_OWED, tx);
    return rows.map((r) => ({ version: r.version, stage: r.stage }));
  }

  /** In the commit that fails it: MLflow did not change, nothing is owed any more. */
  async promotionFailed(tx: Tx, p: Pick<PromotionOutcome, 'id' | 'model'>): Promise<void> {
    await this.store.release(p.model, p.id, tx);
  }

  /** In the commit that records a rejection; `archived`: the candidate went to Archived. */
  async rejectionSettled(tx: Tx, p: Pick<PromotionOutcome, 'id' | 'model' | 'version'>, archived: boolean, mode: ExpectationMode): Promise<void> {
    if (archived) {
      const account = await this.store.account(p.model, tx);
      await this.store.put(p.model, [this.row(account, p.version, 'Archived', 'reject', p.id, mode)], tx);
    }
    await this.store.release(p.model, p.id, tx);
  }

  /** After the alias mirror wrote MLflow: `holders` is alias → the version it now names (none: deleted). */
  async aliasesMirrored(tx: Tx, model: string, holders: Record<string, string | undefined>): Promise<void> {
    const account = await this.store.account(model, tx);
    const managed = Object.keys(holders);
    const rows: ExpectationWrite[] = [];
    for (const e of account.expectations.values()) {
      const aliases = [...e.aliases.filter((a) => !managed.includes(a)), ...managed.filter((a) => holders[a] === e.version)].sort();
      if (aliases.join() !== [...e.aliases].sort().join()) rows.push({ ...e, aliases });
    }
    await this.store.put(model, rows, tx);
    await this.store.release(model, ALIASES_OWED, tx);
  }

  /** Models whose alias write the reconciler must retry. */
  modelsOwedAliases(): Promise<string[]> {
    return this.store.modelsOwed(ALIASES_OWED);
  }

  /**
   * For the drift rule of a promotion: is `version`, in `observedStage` in MLflow now, somewhere
   * modelgate did not put it? Read under the model's lock (on its session), or for a dry run.
   * While modelgate itself owes the model a change, only a recorded drift counts.
   */
  async unaccounted(model: string, version: string, observedStage: Stage, tx?: Tx): Promise<UnaccountedStage | undefined> {
    const account = await this.store.account(model, tx);
    const open = (await this.drifts.open(model, tx)).find((d) => d.version === version);
    const expected = account.expectations.get(version);
    const since = expected?.setAt ?? account.seenAt;
    if (open) return { version, expectedStage: open.expected.stage, observedStage: open.observed.stage, expectedSince: since, driftId: open.id };
    if (!account.seenAt || account.owedBy.length > 0 || !stageUnaccounted(expected, observedStage)) return undefined;
    return { version, expectedStage: expected?.stage ?? 'None', observedStage, expectedSince: since };
  }

  /** In aliases mode the stage's alias comes with it; in stages mode the aliases stay until the mirror moves them. */
  private row(account: ModelAccount, version: string, stage: Stage, setBy: ExpectationWrite['setBy'], ref: string, mode: ExpectationMode): ExpectationWrite {
    return { version, stage, aliases: mode.aliasesIn(stage) ?? account.expectations.get(version)?.aliases ?? [], setBy, setByRef: ref };
  }
}
