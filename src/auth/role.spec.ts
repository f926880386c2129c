import { ALL_ROLES, Actor, Role, effectiveRoles, hasAnyRole } from './role';

const actor = (...roles: Role[]): Actor => ({ key_id: 'k', name: 'someone', roles });

describe('roles', () => {
  it('lets promoters and approvers read, and nothing more', () => {
    expect([...effectiveRoles([Role.PROMOTER])].sort()).toEqual([Role.PROMOTER, Role.READER].sort());
    expect([...effectiveRoles([Role.APPROVER])].sort()).toEqual([Role.APPROVER, Role.READER].sort());
    expect(hasAnyRole(actor(Role.APPROVER), [Role.PROMOTER])).toBe(false);
    expect(hasAnyRole(actor(Role.PROMOTER), [Role.APPROVER])).toBe(false);
  });

  it('keeps ci and events keys away from what readers see', () => {
    expect(hasAnyRole(actor(Role.CI), [Role.READER])).toBe(false);
    expect(hasAnyRole(actor(Role.EVENTS), [Role.READER])).toBe(false);
    expect(hasAnyRole(actor(Role.READER), [Role.CI, Role.EVENTS, Role.PROMOTER, Role.APPROVER, Role.ADMIN])).toBe(false);
  });

  it('gives admin every role', () => {
    for (const role of ALL_ROLES) expect(hasAnyRole(actor(Role.ADMIN), [role])).toBe(true);
  });
});
