import { CreateApiKeys1763900000000 } from './1763900000000-CreateApiKeys';
import { CreateProjects1763900100000 } from './1763900100000-CreateProjects';
import { CreateAuditEvents1763900200000 } from './1763900200000-CreateAuditEvents';
import { CreatePipelineEventsAndOutbox1763900300000 } from './1763900300000-CreatePipelineEventsAndOutbox';
import { CreateIdempotencyKeys1763900400000 } from './1763900400000-CreateIdempotencyKeys';
import { CreatePromotions1763900500000 } from './1763900500000-CreatePromotions';
import { CreateDeployDecisions1763900600000 } from './1763900600000-CreateDeployDecisions';
import { CreateStateMachineChecks1763900700000 } from './1763900700000-CreateStateMachineChecks';
import { IdempotentAnswersAsText1764100100000 } from './1764100100000-IdempotentAnswersAsText';
import { PromotionsApprovedAndRejecting1764100200000 } from './1764100200000-PromotionsApprovedAndRejecting';
import { LeaseOutboxRows1764100250000 } from './1764100250000-LeaseOutboxRows';
import { CreateRegistryWatch1764100400000 } from './1764100400000-CreateRegistryWatch';
import { CreateMlflowWebhookDeliveries1764100500000 } from './1764100500000-CreateMlflowWebhookDeliveries';
import { CreateSlackIdentities1764100600000 } from './1764100600000-CreateSlackIdentities';
import { CreateSlackInteractions1764100610000 } from './1764100610000-CreateSlackInteractions';
import { CreateRegistryProvenance1764101700000 } from './1764101700000-CreateRegistryProvenance';

/** Every migration, oldest first. A migration is never edited after it lands: add a new one. */
export const MIGRATIONS = [
  CreateApiKeys1763900000000,
  CreateProjects1763900100000,
  CreateAuditEvents1763900200000,
  CreatePipelineEventsAndOutbox1763900300000,
  CreateIdempotencyKeys1763900400000,
  CreatePromotions1763900500000,
  CreateDeployDecisions1763900600000,
  CreateStateMachineChecks1763900700000,
  IdempotentAnswersAsText1764100100000,
  PromotionsApprovedAndRejecting1764100200000,
  LeaseOutboxRows1764100250000,
  CreateRegistryWatch1764100400000,
  CreateMlflowWebhookDeliveries1764100500000,
  CreateSlackIdentities1764100600000,
  CreateSlackInteractions1764100610000,
  CreateRegistryProvenance1764101700000,
];
