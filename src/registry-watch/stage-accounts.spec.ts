import type { ModelAccount } from './expectation.store';
import { unaccountedIn } from './stage-accounts';

const SEEN = new Date('2026-12-01T09:00:00.000Z');
const SET = new Date('2026-12-01T10:00:00.123Z');

const account = (overrides: Partial<ModelAccount> = {}): ModelAccount => ({
  model: 'recsys',
  seenAt: SEEN,
  baselineAdoptedAt: SEEN,
  owedBy: [],
  revision: 3,
  expectations: new Map([['3', { version: '3', stage: 'Staging', aliases: [], setBy: 'promotion', setByRef: 'p-1', setAt: SET }]]),
  ...overrides,
});

describe("the gate's question: is this version where modelgate put it?", () => {
  it('names the version, both stages and since when, and the two ways out', () => {
    expect(unaccountedIn(account(), 'recsys', '3', 'Production')).toEqual({
      version: '3',
      observedStage: 'Production',
      expectedStage: 'Staging',
      expectedSince: SET,
      reason: 'version 3 of recsys is in Production in MLflow, but not through modelgate (expected Staging since 2026-12-01T10:00:00Z); promote it or adopt it',
    });
  });

  it('expects a version never touched in None since the model was first seen', () => {
    expect(unaccountedIn(account(), 'recsys', '4', 'Production')?.reason).toBe(
      'version 4 of recsys is in Production in MLflow, but not through modelgate (expected None since 2026-12-01T09:00:00Z); promote it or adopt it',
    );
    expect(unaccountedIn(account(), 'recsys', '4', 'None')).toBeUndefined();
  });

  it('accounts for a version where modelgate put it, for any model never seen, and for everything while modelgate owes MLflow a change', () => {
    expect(unaccountedIn(account(), 'recsys', '3', 'Staging')).toBeUndefined();
    expect(unaccountedIn(account({ seenAt: null }), 'recsys', '3', 'Production')).toBeUndefined();
    expect(unaccountedIn(account({ owedBy: ['p-2'] }), 'recsys', '3', 'Production')).toBeUndefined();
  });
});
