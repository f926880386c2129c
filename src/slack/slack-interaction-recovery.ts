import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { CLAIM_MS, SlackDecisions } from './slack-decisions';
import { SlackInteractionStore } from './slack-interaction.store';

/** How often unfinished interactions are looked for; each is retried at its own pace (retry_at). */
export const RECOVERY_INTERVAL_MS = 5_000;
const BATCH = 20;

/**
 * Finishes the interactions their receiver could not: the process died between Slack's answer and
 * the decision or the reply, or a step failed (the model busy, Slack unreachable). At start and
 * every {@link RECOVERY_INTERVAL_MS}, on every replica: each interaction is claimed by one at a time.
 */
@Injectable()
export class SlackInteractionRecovery implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SlackInteractionRecovery.name);
  private timer?: NodeJS.Timeout;
  private round?: Promise<number>;

  constructor(
    private readonly store: SlackInteractionStore,
    private readonly decisions: SlackDecisions,
  ) {}

  onApplicationBootstrap(): void {
    void this.scheduled();
    this.timer = setInterval(() => void this.scheduled(), RECOVERY_INTERVAL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.round;
  }

  /** One round: claims the interactions due at `now` and works them; answers how many. */
  async runOnce(now = new Date()): Promise<number> {
    const due = await this.store.claimDue(now, new Date(Date.now() + CLAIM_MS), BATCH);
    for (const interaction of due) await this.decisions.work(interaction);
    if (due.length) this.logger.log({ interactions: due.length }, 'unfinished Slack interactions taken up');
    return due.length;
  }

  private async scheduled(): Promise<void> {
    if (this.round) return;
    this.round = this.runOnce().catch((err: unknown) => {
      this.logger.warn({ err }, 'Slack interaction recovery failed; next round');
      return 0;
    });
    await this.round;
    this.round = undefined;
  }
}
