import type { RolloutPlan } from '../src/plan';
import { validatePlan } from '../src/plan';
import { ALL_USERS } from '../src/policy/types';
import { DEMO, type EmulatedTenant } from '../src/local/tenant';
import { startHarness, type Harness } from '../test/rollout/harness';

/**
 * The bench's rollout rehearsal: the test harness (emulated tenant, local host on a virtual clock, real DurableClient)
 * plus ten nested rings, the most a plan allows.
 */

export const RING_COUNT = 10;
const USERS_PER_NEW_RING = 5;

export async function startRehearsal(): Promise<Harness> {
  return startHarness();
}

/**
 * Ring targets pilot ⊂ early ⊂ g3 ⊂ … ⊂ g9, then all_users: each new group nests the previous one and adds a few
 * users with Authenticator push, so preflight finds the nesting it expects and no warning changes the request count.
 */
export function addNestedRingGroups(tenant: EmulatedTenant): string[] {
  const targets: string[] = [DEMO.groups.pilot, DEMO.groups.early];
  for (let ring = 3; ring < RING_COUNT; ring++) {
    const group = tenant.control.addGroup({ displayName: `Ring ${ring - 1} - bench wave ${ring}` });
    tenant.control.addMember(group.id, targets[targets.length - 1] ?? DEMO.groups.early);
    for (let u = 0; u < USERS_PER_NEW_RING; u++) {
      const user = tenant.control.addUser({ userPrincipalName: `bench.ring${ring}.user${u}@${DEMO.domain}`, methodsRegistered: ['microsoftAuthenticatorPush'] });
      tenant.control.addMember(group.id, user.id);
    }
    targets.push(group.id);
  }
  return [...targets, ALL_USERS];
}

/**
 * Every ring but the last waits for approval after a one-day soak with one health check (interval = soak), so each
 * step of the drive is exactly one thing: a ring swap (after an approval) or a health check (after a timer).
 */
export function tenRingPlan(targets: readonly string[]): RolloutPlan {
  const checked = validatePlan({
    feature: 'displayAppInformation',
    rings: targets.map((target, i) => ({ name: `ring-${i + 1}`, target, soak: 'P1D', approval: i < targets.length - 1 })),
    approvalTimeout: 'P2D',
    onApprovalTimeout: 'rollback',
    // Far above the tenant's 2% baseline, so sampling noise in small rings never rolls a measured rollout back.
    health: { maxFailureRate: 0.25, minSignIns: 10, interval: 'P1D' },
    rollback: 'default',
  });
  if (!checked.ok) throw new Error(`the bench plan is invalid: ${checked.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`);
  return checked.plan;
}
