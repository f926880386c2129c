import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { LockTimeoutError, Transactions } from '../../database/transactions';
import { ProjectDirectory, ResolvedProject } from '../../projects/project.types';
import { PipelineEventStore } from '../pipeline-event.store';
import { PipelineEventsService } from '../pipeline-events.service';
import { isTerminal } from '../pipeline-notice';
import { baseStateMachineArn, endedSince, listingHorizon, nextCheck, reconciledEvent, statusKey } from './reconcile-window';
import { SfnMetrics } from './sfn.metrics';
import { StateMachineCheckStore } from './state-machine-check.store';
import { StepFunctionsReader } from './step-functions.reader';

const RECONCILE_JOB = 'sfn-reconcile';
/** One replica reconciles at a time, across the fleet. */
export const SFN_RECONCILE_LOCK = 'sfn-reconcile';
/** The most one Step Functions call of a round may take, retries included. */
const CALL_TIMEOUT_MS = 30_000;

export interface ReconcileReport {
  /** Another replica held the lock: this one did nothing. */
  skipped: boolean;
  stateMachines: number;
  /** Terminal executions ingested that no event had brought. */
  ingested: number;
  /** State machine ARNs whose round failed (their window stays for the next round), or `ListStateMachines`. */
  failed: string[];
}

/**
 * Finds what EventBridge missed: every RECONCILE_INTERVAL_S, for each project's state machine, lists
 * the executions since its last check and feeds terminal ones no event announced through the same
 * ingestion path as POST /events/eventbridge (the unique keys make a late event a duplicate).
 */
@Injectable()
export class SfnReconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SfnReconciler.name);
  private readonly shutdown = new AbortController();
  private running?: Promise<ReconcileReport>;

  constructor(
    private readonly reader: StepFunctionsReader,
    private readonly checks: StateMachineCheckStore,
    private readonly events: PipelineEventStore,
    private readonly ingestion: PipelineEventsService,
    private readonly projects: ProjectDirectory,
    private readonly transactions: Transactions,
    private readonly scheduler: SchedulerRegistry,
    private readonly metrics: SfnMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const interval = setInterval(() => void this.runOnce().catch(() => undefined), this.config.reconcileIntervalS * 1000);
    this.scheduler.addInterval(RECONCILE_JOB, interval);
  }

  async onModuleDestroy(): Promise<void> {
    if (this.scheduler.doesExist('interval', RECONCILE_JOB)) this.scheduler.deleteInterval(RECONCILE_JOB);
    this.shutdown.abort();
    await this.running?.catch(() => undefined);
  }

  /** One round; a round already running on this replica is joined, one running elsewhere is skipped. */
  runOnce(): Promise<ReconcileReport> {
    this.running ??= this.lockedRound().finally(() => (this.running = undefined));
    return this.running;
  }

  private async lockedRound(): Promise<ReconcileReport> {
    try {
      const report = await this.transactions.withSessionLock(SFN_RECONCILE_LOCK, 0, () => this.round());
      this.metrics.reconcileRounds.inc({ outcome: report.failed.length ? 'partial' : 'ok' });
      if (report.ingested || report.failed.length) this.logger.log({ ...report }, 'Step Functions reconciled');
      return report;
    } catch (err) {
      if (!(err instanceof LockTimeoutError)) {
        this.logger.warn({ err }, 'Step Functions reconciliation failed; next round');
        throw err;
      }
      this.metrics.reconcileRounds.inc({ outcome: 'skipped' });
      return { skipped: true, stateMachines: 0, ingested: 0, failed: [] };
    }
  }

  private async round(): Promise<ReconcileReport> {
    const report: ReconcileReport = { skipped: false, stateMachines: 0, ingested: 0, failed: [] };
    const machines = await this.stateMachinesOf(await this.projects.list(), report);
    for (const [arn, project] of machines) {
      if (this.shutdown.signal.aborted) break;
      report.stateMachines += 1;
      try {
        report.ingested += await this.reconcile(arn, project);
      } catch (err) {
        report.failed.push(arn);
        const message = err instanceof Error ? err.message : String(err);
        this.logger.warn({ state_machine_arn: arn, project, err: message }, 'state machine not reconciled; retried next round');
        await this.checks.saveFailure(arn, project, message).catch(() => undefined);
      }
    }
    return report;
  }

  /** State machine ARN → project; names without an ARN in the config are looked up once per round. */
  private async stateMachinesOf(projects: ResolvedProject[], report: ReconcileReport): Promise<Map<string, string>> {
    const machines = new Map<string, string>();
    let byName: Map<string, string> | undefined;
    for (const p of projects) {
      if (p.stateMachineArn) {
        machines.set(baseStateMachineArn(p.stateMachineArn), p.name);
        continue;
      }
      if (!byName) {
        try {
          byName = await this.reader.stateMachineArns(this.callSignal());
        } catch (err) {
          this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'state machines not listed; retried next round');
          report.failed.push('ListStateMachines');
          byName = new Map();
        }
      }
      const arn = byName.get(p.stateMachineName);
      if (arn) machines.set(arn, p.name);
    }
    return machines;
  }

  /** Answers how many executions it ingested; throws (leaving the window as it was) when AWS fails. */
  private async reconcile(stateMachineArn: string, project: string): Promise<number> {
    const roundStart = new Date();
    const check = await this.checks.find(stateMachineArn);
    const listed = await this.reader.executionsSince(stateMachineArn, listingHorizon(check, roundStart), this.callSignal());
    const candidates = endedSince(listed, check, roundStart);
    const seen = await this.events.seenStatuses(candidates.map((e) => e.executionArn));
    let ingested = 0;
    for (const e of candidates) {
      if (seen.has(statusKey(e.executionArn, e.status, e.redriveCount))) continue;
      const described = await this.reader.describe(e.executionArn, this.callSignal());
      if (!isTerminal(described.status)) continue;
      const result = await this.ingestion.ingest(reconciledEvent(described, stateMachineArn), 'reconciler');
      if (result.duplicate) continue;
      ingested += 1;
      this.metrics.reconciledExecutions.inc({ status: described.status });
      this.logger.warn(
        { execution_arn: described.executionArn, status: described.status, redrive_count: described.redriveCount, project },
        'execution found by the reconciler: no event had announced it',
      );
    }
    await this.checks.saveSuccess(nextCheck(stateMachineArn, listed, roundStart), project);
    return ingested;
  }

  private callSignal(): AbortSignal {
    return AbortSignal.any([this.shutdown.signal, AbortSignal.timeout(CALL_TIMEOUT_MS)]);
  }
}
