import { allowedActions } from '../../src/dashboard/actions';
import { glance, type RolloutView } from '../../src/dashboard/glance';
import { listPage, rolloutPage } from '../../src/dashboard/pages';
import { renderGlance, sparkline } from '../../src/cli/client/render';
import type { Caller } from '../../src/api/principal';

/** The dashboard's pages and the CLI's tree, rendered from a rollout view: what a person sees, and nothing injected. */

const NOW = new Date('2026-11-30T14:00:00Z');
const HOSTILE = `<script>alert(1)</script>"><img src=x onerror=alert(2)>`;

function view(overrides: Partial<RolloutView> = {}): RolloutView {
  return {
    id: 'rabc2345',
    feature: 'displayAppInformation',
    status: 'Running',
    currentRing: 'early',
    enabledTarget: 'g-early',
    nextCheckpointAt: '2026-11-30T15:00:00Z',
    health: { ring: 'early', target: 'g-early', since: '2026-11-30T12:00:00Z', until: '2026-11-30T13:00:00Z', signIns: 200, failures: 4, failureRate: 0.02, reasons: { declined: 1, noResponse: 3, wrongNumber: 0, fraud: 0, other: 0 }, state: 'healthy', baseline: 0.015, threshold: 0.05, lowerBound: 0.005, controlAttempts: 900, breached: false, judged: true, sentence: '4 of 200 Authenticator pushes failed' },
    message: 'Ring early enabled and verified; soaking for PT4H',
    history: [
      { seq: 1, at: '2026-11-30T08:00:00Z', status: 'Running', event: 'Rollout.Started', message: 'Started by Dana', actor: { name: 'Dana', id: 'd-1', via: 'api' } },
      { seq: 2, at: '2026-11-30T08:00:01Z', status: 'Running', event: 'Ring.Enabled', message: 'Ring pilot enabled', ring: 'pilot' },
      { seq: 3, at: '2026-11-30T11:00:00Z', status: 'Running', event: 'Approval.Decided', message: 'Approved by Avery', ring: 'pilot', actor: { name: 'Avery', via: 'teams' } },
      { seq: 4, at: '2026-11-30T12:00:00Z', status: 'Running', event: 'Ring.Enabled', message: 'Ring early enabled', ring: 'early' },
    ],
    startedBy: { name: 'Dana', id: 'd-1', via: 'api' },
    warnings: [],
    plan: {
      rings: [
        { name: 'pilot', target: 'g-pilot', soak: 'PT3H', approval: true },
        { name: 'early', target: 'g-early', soak: 'PT4H' },
        { name: 'everyone', target: 'all_users', soak: 'PT1H' },
      ],
      health: { maxFailureRate: 0.05 },
    },
    healthSeries: [
      { ring: 'pilot', at: '2026-11-30T09:00:00Z', rate: 0.01, bound: 0.05 },
      { ring: 'early', at: '2026-11-30T13:00:00Z', rate: 0.02, bound: 0.05, baseline: 0.015 },
      { ring: 'early', at: '2026-11-30T14:00:00Z', rate: 0.06, bound: 0.05, breached: true },
    ],
    ...overrides,
  };
}

const ctx = { now: NOW, viewer: 'Avery', nonce: 'n0nce', refreshSeconds: 5, apiPath: '/api' };
const withRoles = (roles: string[] | null, id = 'a-1'): Caller => ({ actor: { name: 'someone', id, via: 'api' }, roles: roles === null ? null : new Set(roles) });

describe('a rollout at a glance', () => {
  it('marks the rings done, live and waiting, and measures the live soak from its Ring.Enabled time', () => {
    const g = glance(view(), NOW);
    expect(g.rings.map((r) => `${r.name}:${r.state}`)).toEqual(['pilot:done', 'early:live', 'everyone:waiting']);
    expect(g.soak).toEqual({ ring: 'early', startedAt: '2026-11-30T12:00:00Z', endsAt: '2026-11-30T16:00:00.000Z', progress: 0.5, remainingSeconds: 7200 });
    expect(g.trend.map((t) => [t.ring, t.points.length])).toEqual([['pilot', 1], ['early', 2]]);
    expect(g.transitions.at(-2)).toMatchObject({ event: 'Approval.Decided', actor: 'Avery' });
  });

  it('marks enabled rings rolled back once the rollout has rolled back, and the others not reached', () => {
    const history = [...view().history, { seq: 5, at: '2026-11-30T14:00:00Z', status: 'Running' as const, event: 'Rollback.Started' as const, message: 'Rolling back' }];
    const g = glance(view({ status: 'RolledBack', history }), NOW);
    expect(g.rings.map((r) => r.state)).toEqual(['rolled-back', 'rolled-back', 'not-reached']);
    expect(g.soak).toBeNull();
  });

  it('draws the soak bar and a sparkline whose breach stands out in the CLI tree', () => {
    const text = renderGlance(glance(view(), NOW)).join('\n');
    expect(text).toContain('│  ├─ ● early     live         soak PT4H  [████████████░░░░░░░░░░░░] 50%  2h left');
    expect(sparkline([{ ring: 'r', at: '', rate: 0.01, bound: 0.05 }, { ring: 'r', at: '', rate: 0.06, bound: 0.05 }])).toBe('▂█');
    expect(text).toMatch(/│ {2}├─ pilot {5}▂ {2}1 check,/);
    expect(text).toMatch(/│ {2}└─ early {5}▃█ {2}2 checks, last 6% vs bound 5%, 1 over the bound/);
  });
});

describe('the dashboard pages', () => {
  it('escape every string from the rollout, so that nothing in a plan or a message becomes markup', () => {
    const hostile = view({
      message: HOSTILE,
      currentRing: HOSTILE,
      plan: { rings: [{ name: HOSTILE, target: 'g', soak: 'PT1H', approval: true }], health: { maxFailureRate: 0.05 } },
      startedBy: { name: HOSTILE, via: 'api' },
      status: 'AwaitingApproval',
      approval: { ring: HOSTILE, requestedAt: '2026-11-30T12:00:00Z', deadline: '2026-12-01T12:00:00Z', onTimeout: 'rollback' },
      healthSeries: [{ ring: HOSTILE, at: HOSTILE, rate: 0.01, bound: 0.05 }],
    });
    for (const page of [rolloutPage(hostile, ['approve'], ctx), listPage([{ ...hostile, id: HOSTILE }], { ...ctx, viewer: HOSTILE })]) {
      expect(page).not.toContain('<script>alert');
      expect(page).not.toContain('<img');
      expect(page).not.toMatch(/"><img/);
      expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
      expect(page.match(/<script/g)).toHaveLength(1);
      expect(page).toContain('<script nonce="n0nce">');
    }
  });

  it('draw each ring health per check against its bound and baseline, and the pending approval with its deadline', () => {
    const page = rolloutPage(view({ status: 'AwaitingApproval', approval: { ring: 'early', requestedAt: '2026-11-30T13:00:00Z', deadline: '2026-12-01T13:00:00Z', onTimeout: 'rollback' } }), [], ctx);
    expect(page.match(/<figure class="chart"/g)).toHaveLength(2);
    expect(page).toContain('bound 5%');
    expect(page).toContain('baseline 1.5%');
    expect(page).toContain('class="point breached"');
    expect(page).toContain('waits for a decision until <strong>Tue 01 Dec 13:00 UTC</strong> (23h left)');
    expect(page).not.toContain('<button');
  });
});

describe('the buttons a caller sees', () => {
  const waiting = view({ status: 'AwaitingApproval' });
  it('follow the app roles, the rollout status and separation of duties', () => {
    const none = { allowSelfApproval: false };
    expect(allowedActions(withRoles(['Rollout.Approver']), waiting, none)).toEqual(['approve', 'reject']);
    expect(allowedActions(withRoles(['Rollout.Operator']), waiting, none)).toEqual(['pause', 'abort']);
    expect(allowedActions(withRoles([]), waiting, none)).toEqual([]);
    expect(allowedActions(withRoles(['Rollout.Approver', 'Rollout.Operator'], 'D-1'), waiting, none)).toEqual(['reject', 'pause', 'abort']);
    expect(allowedActions(withRoles(['Rollout.Approver'], 'd-1'), waiting, { allowSelfApproval: true })).toEqual(['approve', 'reject']);
    expect(allowedActions(withRoles(['Rollout.Operator']), view({ status: 'Paused' }), none)).toEqual(['resume', 'abort']);
    expect(allowedActions(withRoles(['Rollout.Operator', 'Rollout.Approver']), view({ status: 'Completed' }), none)).toEqual([]);
  });

  it('are all those that apply when there are no App Service Authentication headers (function key or local host)', () => {
    expect(allowedActions(withRoles(null), waiting, { allowSelfApproval: false })).toEqual(['approve', 'reject', 'pause', 'abort']);
  });
});
