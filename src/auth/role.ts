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

/** Roles a role holds besides itself: people who decide must see what they decide on; admin holds every role. */
const IMPLIED: Record<Role, readonly Role[]> = {
  reader: [],
  promoter: [Role.READER],
  approver: [Role.READER],
  ci: [],
  events: [],
  admin: ALL_ROLES,
};

/** Every role the given ones hold, themselves included. */
export function effectiveRoles(roles: readonly Role[]): Set<Role> {
  return new Set(roles.flatMap((r) => [r, ...(IMPLIED[r] ?? [])]));
}

/** Asked on every request: no allocation. */
export function hasAnyRole(actor: Actor, required: readonly Role[]): boolean {
  for (const held of actor.roles) {
    for (const r of required) if (r === held || IMPLIED[held]?.includes(r)) return true;
  }
  return false;
}
