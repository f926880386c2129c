import { Injectable, Logger } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action';
import { AuditLog } from '../audit/audit-log.service';
import { ApiKeysService } from '../auth/api-keys.service';
import { Actor, Role, hasAnyRole } from '../auth/role';
import { NAME_PAGES, Page } from '../common/http/pagination';
import { Transactions } from '../database/transactions';
import { SlackIdentity, SlackIdentityStore } from './slack-identity.store';
import { SlackError, SlackErrorCode } from './slack.errors';

/** Links Slack users to approvers: a click in Slack is the decision of the approver its user is linked to. */
@Injectable()
export class SlackIdentitiesService {
  private readonly logger = new Logger(SlackIdentitiesService.name);

  constructor(
    private readonly store: SlackIdentityStore,
    private readonly keys: ApiKeysService,
    private readonly transactions: Transactions,
    private readonly audit: AuditLog,
  ) {}

  /** Links (or re-links) `slackUserId` to `actor`, which must be an unrevoked key with the approver role. Audited when it changes anything. */
  async link(slackUserId: string, actor: string, by: string): Promise<SlackIdentity> {
    if (!(await this.approver(actor))) {
      throw new SlackError(SlackErrorCode.NOT_AN_APPROVER, `"${actor}" is not the name of an unrevoked API key with the approver role`, { actor });
    }
    const linked = await this.transactions.run(async (tx) => {
      const previous = await this.store.find(slackUserId, tx);
      if (previous?.actor === actor) return previous;
      const identity = await this.store.link({ slackUserId, actor, linkedBy: by }, tx);
      const details = { slack_user_id: slackUserId, approver: actor, ...(previous ? { previous_approver: previous.actor } : {}) };
      await this.audit.append({ actor: by, action: AuditAction.SLACK_IDENTITY_LINKED, details }, tx);
      return identity;
    });
    this.logger.log({ slack_user_id: slackUserId, approver: actor, by }, 'Slack user linked to an approver');
    return linked;
  }

  async unlink(slackUserId: string, by: string): Promise<SlackIdentity> {
    const removed = await this.transactions.run(async (tx) => {
      const identity = await this.store.unlink(slackUserId, tx);
      if (!identity) throw new SlackError(SlackErrorCode.SLACK_IDENTITY_NOT_FOUND, `Slack user ${slackUserId} is not linked`);
      await this.audit.append({ actor: by, action: AuditAction.SLACK_IDENTITY_UNLINKED, details: { slack_user_id: slackUserId, approver: identity.actor } }, tx);
      return identity;
    });
    this.logger.log({ slack_user_id: slackUserId, approver: removed.actor, by }, 'Slack user unlinked');
    return removed;
  }

  async list(limit: number, pageToken?: string): Promise<Page<SlackIdentity>> {
    const after = NAME_PAGES.decode(pageToken)?.after;
    return NAME_PAGES.page(await this.store.list(limit + 1, after), limit, (last) => ({ after: last.slackUserId }));
  }

  /**
   * Who a Slack user acts as now: the linked key, unrevoked and holding the approver role (asked of
   * the database on every click, so a revocation counts at once). `linked` says whether a link exists.
   */
  async approverFor(slackUserId: string): Promise<{ linked?: SlackIdentity; approver?: Actor }> {
    const linked = await this.store.find(slackUserId);
    return { linked, approver: linked ? await this.approver(linked.actor) : undefined };
  }

  private async approver(name: string): Promise<Actor | undefined> {
    const actor = await this.keys.activeActor(name);
    return actor && hasAnyRole(actor, [Role.APPROVER]) ? actor : undefined;
  }
}
