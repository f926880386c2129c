/** What an audit event records. Gate decisions are not here: they have their own table. */
export enum AuditAction {
  PROMOTION_REQUESTED = 'promotion.requested',
  PROMOTION_APPROVED = 'promotion.approved',
  PROMOTION_REJECTED = 'promotion.rejected',
  PROMOTION_CANCELLED = 'promotion.cancelled',
  PROMOTION_EXPIRED = 'promotion.expired',
  PROMOTION_COMPLETED = 'promotion.completed',
  PROMOTION_DENIED = 'promotion.denied',
  PROMOTION_FAILED = 'promotion.failed',
  ROLLBACK = 'rollback',
  REGISTRY_BASELINE_ADOPTED = 'registry.baseline_adopted',
  REGISTRY_DRIFT_DETECTED = 'registry.drift_detected',
  REGISTRY_ADOPTED = 'registry.adopted',
  REGISTRY_DRIFT_REVERTED = 'registry.drift_reverted',
  REGISTRY_DRIFT_RESOLVED = 'registry.drift_resolved',
  PROJECT_CREATED = 'project.created',
  PROJECT_UPDATED = 'project.updated',
  PROJECT_DELETED = 'project.deleted',
  API_KEY_CREATED = 'api_key.created',
  API_KEY_REVOKED = 'api_key.revoked',
  SLACK_IDENTITY_LINKED = 'slack_identity.linked',
  SLACK_IDENTITY_UNLINKED = 'slack_identity.unlinked',
}

export const AUDIT_ACTIONS = Object.values(AuditAction);
