import type { StateMachineCheck } from './reconcile-window';

/** The reconciler's progress per state machine (table `state_machine_checks`). */
export abstract class StateMachineCheckStore {
  /** Undefined until a round over this state machine succeeded. */
  abstract find(stateMachineArn: string): Promise<StateMachineCheck | undefined>;
  abstract saveSuccess(check: StateMachineCheck, project: string): Promise<void>;
  /** The window stays where it was, so the next round covers it again. */
  abstract saveFailure(stateMachineArn: string, project: string, error: string): Promise<void>;
}
