import type { Me, Role } from './types';

/** What the buttons need; the server still decides. Mirrors the API: admin holds every role, promoter and approver read. */
const IMPLIED: Record<Role, Role[]> = {
  reader: ['reader'],
  promoter: ['promoter', 'reader'],
  approver: ['approver', 'reader'],
  ci: ['ci'],
  events: ['events'],
  admin: ['reader', 'promoter', 'approver', 'ci', 'events', 'admin'],
};

export function holds(me: Me, role: Role): boolean {
  return me.roles.some((r) => IMPLIED[r]?.includes(role));
}

export const canRead = (me: Me) => holds(me, 'reader');
export const canPromote = (me: Me) => holds(me, 'promoter');
export const canApprove = (me: Me) => holds(me, 'approver');
export const isAdmin = (me: Me) => holds(me, 'admin');
