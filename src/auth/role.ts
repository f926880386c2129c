export enum Role {
  READER = 'reader',
  PROMOTER = 'promoter',
  APPROVER = 'approver',
  CI = 'ci',
  EVENTS = 'events',
  ADMIN = 'admin',
}

export const ALL_ROLES = Object.values(Role);

/** Who is calling: the API key's name is the actor written to the audit log. */
export interface Actor {
  key_id: string;
  name: string;
  roles: Role[];
}

/** Admin holds every role. */
export function hasAnyRole(actor: Actor, required: readonly Role[]): boolean {
  return actor.roles.includes(Role.ADMIN) || required.some((r) => actor.roles.includes(r));
}
