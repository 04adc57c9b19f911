import { driftOf, needsReminder } from '../../../src/rollout/desk/watch';
import type { RolloutStatus } from '../../../src/rollout/types';
import type { AuthenticatorConfig } from '../../../src/policy/types';

const PILOT = '1ca44590-e896-4dbe-98ed-b140b1e7a53a';
const OTHER = 'aede0efe-c1b4-40dc-8ae7-2c402f23e312';

function config(state: string, target: string): AuthenticatorConfig {
  const entry = (s: string, id: string) => ({ state: s, includeTarget: { targetType: 'group', id }, excludeTarget: { targetType: 'group', id: '00000000-0000-0000-0000-000000000000' } });
  return {
    '@odata.type': '#microsoft.graph.microsoftAuthenticatorAuthenticationMethodConfiguration',
    id: 'MicrosoftAuthenticator',
    state: 'enabled',
    featureSettings: { displayAppInformationRequiredState: entry(state, target), displayLocationInformationRequiredState: entry('default', 'all_users') },
  };
}

function rollout(overrides: Partial<RolloutStatus> = {}): RolloutStatus {
  return {
    id: 'rabc2345',
    feature: 'displayAppInformation',
    status: 'Running',
    currentRing: 'pilot',
    enabledTarget: PILOT,
    nextCheckpointAt: null,
    health: null,
    message: '',
    history: [{ seq: 1, at: '2026-11-30T08:00:00.000Z', status: 'Running', event: 'Ring.Enabled', message: 'enabled' }],
    startedBy: { name: 'Dana', via: 'api' },
    warnings: [],
    ...overrides,
  };
}

describe('drift detection by the status timer', () => {
  it('sees nothing when the tenant shows what the rollout enabled', () => {
    expect(driftOf(rollout(), config('enabled', PILOT))).toBeUndefined();
  });

  it('reports a different enabled target, and a feature switched back to default, saying what changed', () => {
    expect(driftOf(rollout(), config('enabled', OTHER))).toEqual({
      actor: { name: 'status timer', via: 'timer' },
      observedTarget: OTHER,
      changes: [`displayAppInformation is enabled for ${OTHER}, but the rollout last enabled it for ${PILOT}`],
    });
    expect(driftOf(rollout(), config('default', 'all_users'))?.changes[0]).toMatch(/not enabled for anyone \(state default\)/);
  });

  it('ignores rollouts whose own write is in flight, paused ones and finished ones', () => {
    const writing = rollout({ history: [{ seq: 1, at: '2026-11-30T08:00:00.000Z', status: 'Running', event: 'Ring.Enabling', message: '' }] });
    expect(driftOf(writing, config('enabled', OTHER))).toBeUndefined();
    expect(driftOf(rollout({ status: 'Paused' }), config('enabled', OTHER))).toBeUndefined();
    expect(driftOf(rollout({ status: 'Completed' }), config('enabled', OTHER))).toBeUndefined();
  });
});

describe('approval reminders', () => {
  const approval = { ring: 'pilot', requestedAt: '2026-11-30T08:00:00.000Z', deadline: '2026-12-02T08:00:00.000Z', onTimeout: 'rollback' as const };
  it('are due once less than a quarter of the approval timeout is left', () => {
    const waiting = rollout({ status: 'AwaitingApproval', approval });
    expect(needsReminder(waiting, new Date('2026-12-01T19:59:00Z'))).toBe(false);
    expect(needsReminder(waiting, new Date('2026-12-01T20:01:00Z'))).toBe(true);
  });

  it('are sent once, and not after the deadline', () => {
    expect(needsReminder(rollout({ status: 'AwaitingApproval', approval: { ...approval, remindedAt: '2026-12-01T20:15:00.000Z' } }), new Date('2026-12-01T21:00:00Z'))).toBe(false);
    expect(needsReminder(rollout({ status: 'AwaitingApproval', approval }), new Date('2026-12-02T08:00:01Z'))).toBe(false);
  });
});
