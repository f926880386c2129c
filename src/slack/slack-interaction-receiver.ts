import { Inject, Injectable, Logger } from '@nestjs/common';
import { SIGNED_TIMESTAMP_TOLERANCE_S, SignatureProblem } from '../common/http/signed-request';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { CLAIM_MS, SlackDecisions } from './slack-decisions';
import { readInteraction } from './slack-interaction';
import { SlackInteractionStore } from './slack-interaction.store';
import { SlackSignedRequest, verifySlackSignature } from './slack-signature';
import { SlackError, SlackErrorCode } from './slack.errors';

const REFUSAL: Record<SignatureProblem, string> = {
  no_secret: 'modelgate has no SLACK_SIGNING_SECRET configured: it accepts no Slack interaction',
  missing_headers: 'X-Slack-Request-Timestamp and X-Slack-Signature are required',
  bad_signature: "X-Slack-Signature does not match the body signed with modelgate's SLACK_SIGNING_SECRET",
  stale_timestamp: `X-Slack-Request-Timestamp is more than ${SIGNED_TIMESTAMP_TOLERANCE_S / 60} minutes away from modelgate's clock`,
};

/**
 * Receives Slack's interactions: only signed, fresh ones; a button click of an approver notice is
 * recorded (once per click) before Slack gets its answer, and acted on right after it.
 */
@Injectable()
export class SlackInteractionReceiver {
  private readonly logger = new Logger(SlackInteractionReceiver.name);

  constructor(
    private readonly store: SlackInteractionStore,
    private readonly decisions: SlackDecisions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Resolves when Slack may be answered 200 (empty); throws INVALID_SIGNATURE, having stored nothing. */
  async receive(request: SlackSignedRequest, now = new Date()): Promise<void> {
    const check = verifySlackSignature(request, this.config.slackSigningSecret, now.getTime());
    if (!check.valid) {
      this.logger.warn({ problem: check.problem }, 'Slack interaction refused');
      throw new SlackError(SlackErrorCode.INVALID_SIGNATURE, REFUSAL[check.problem], { problem: check.problem });
    }
    const reading = readInteraction(request.rawBody);
    if ('ignored' in reading) {
      this.logger.log({ reason: reading.ignored }, 'Slack interaction ignored');
      return;
    }
    const { click } = reading;
    const recorded = await this.store.record(click, new Date(now.getTime() + CLAIM_MS));
    const facts = { slack_user_id: click.slackUserId, promotion_id: click.promotionId, decision: click.decision, action_key: click.actionKey };
    if (!recorded) {
      this.logger.log(facts, 'Slack interaction delivered again; nothing done again');
      return;
    }
    this.logger.log({ ...facts, interaction_id: recorded.id }, 'Slack interaction recorded');
    this.decisions.start(recorded);
  }
}
