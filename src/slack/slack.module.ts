import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { PromotionsModule } from '../promotions/promotions.module';
import { SlackDecisions } from './slack-decisions';
import { SlackIdentitiesController } from './slack-identities.controller';
import { SlackIdentitiesService } from './slack-identities.service';
import { SlackIdentityStore } from './slack-identity.store';
import { TypeOrmSlackIdentityStore } from './slack-identity.store.typeorm';
import { SlackInteractionReceiver } from './slack-interaction-receiver';
import { SlackInteractionRecovery } from './slack-interaction-recovery';
import { SlackInteractionStore } from './slack-interaction.store';
import { TypeOrmSlackInteractionStore } from './slack-interaction.store.typeorm';
import { SlackInteractionsController } from './slack-interactions.controller';
import { SlackResponder } from './slack-responder';

/** Approve or reject from the approver notice's buttons in Slack, as the approver the Slack user is linked to. */
@Module({
  imports: [AuthModule, AuditModule, PromotionsModule],
  controllers: [SlackInteractionsController, SlackIdentitiesController],
  providers: [
    SlackInteractionReceiver,
    SlackDecisions,
    SlackInteractionRecovery,
    SlackIdentitiesService,
    SlackResponder,
    { provide: SlackIdentityStore, useClass: TypeOrmSlackIdentityStore },
    { provide: SlackInteractionStore, useClass: TypeOrmSlackInteractionStore },
  ],
})
export class SlackModule {}
