import { statusTick } from '../../../src/rollout/desk/watch';
import type { CardMessage } from '../../../src/teams/cards';
import { VirtualClock } from '../../../src/local/durable';
import { plan, startHarness, type Harness } from '../harness';

jest.setTimeout(60_000);

describe('the scheduled status timer against a running rollout', () => {
  let h: Harness;
  afterEach(async () => h.close());

  async function tick(digest = false): Promise<{ report: Awaited<ReturnType<typeof statusTick>>; cards: string[]; events: string[] }> {
    const cards: string[] = [];
    const events: string[] = [];
    const report = await statusTick({
      client: h.client,
      readConfig: async () => h.tenant.control.config(),
      notify: async (card: CardMessage) => cards.push(JSON.stringify(card)),
      telemetry: { event: (name) => events.push(name) },
      now: h.now(),
      digest,
    });
    await h.host.idle();
    return { report, cards, events };
  }

  async function remindNearDeadline(onApprovalTimeout: 'rollback' | 'pause'): Promise<{ id: string; first: Awaited<ReturnType<typeof tick>> }> {
    h = await startHarness();
    const id = await h.start(plan({ onApprovalTimeout }));
    await h.drive(id, { until: (s) => s.status === 'AwaitingApproval' });
    expect((await tick()).report.reminded).toEqual([]);
    // Two days to approve: move the virtual clock to six hours before the deadline, past the 36-hour mark.
    const waiting = await h.status(id);
    const deadline = Date.parse(waiting.approval?.deadline ?? '');
    if (!(h.host.clock instanceof VirtualClock)) throw new Error('the harness runs on a virtual clock');
    h.host.clock.advanceTo(new Date(deadline - 6 * 3600_000));
    return { id, first: await tick() };
  }

  it('reminds approvers once when less than a quarter of the approval timeout is left', async () => {
    const { id, first } = await remindNearDeadline('rollback');
    expect(first.report.reminded).toEqual([id]);
    expect(first.cards.join()).toMatch(/pilot/);
    expect(first.cards.join()).toContain('the rollout rolls back');
    expect(first.events).toContain('Approval.Reminded');
    expect((await h.status(id)).approval?.remindedAt).toBeDefined();
    expect((await tick()).report.reminded).toEqual([]);
  });

  it('tells approvers the rollout pauses at the deadline when the plan says pause', async () => {
    const { id, first } = await remindNearDeadline('pause');
    expect(first.report.reminded).toEqual([id]);
    expect(first.cards.join()).toContain('the rollout pauses');
    expect(first.cards.join()).not.toContain('rolls back');
  });

  it('ignores a reminder meant for another checkpoint', async () => {
    h = await startHarness();
    const id = await h.start(plan());
    await h.drive(id, { until: (s) => s.status === 'AwaitingApproval' });
    await h.client.raiseEvent(id, 'ReminderSent', { actor: { name: 'status timer', via: 'timer' }, ring: 'early' });
    await h.host.idle();
    expect((await h.status(id)).approval?.remindedAt).toBeUndefined();
  });

  it('sends a digest of active rollouts when asked, and detects nothing while the tenant matches', async () => {
    h = await startHarness();
    const id = await h.start(plan());
    await h.drive(id, { until: (s) => s.status === 'AwaitingApproval' });
    const { report, cards } = await tick(true);
    expect(report).toMatchObject({ active: 1, drifted: [], digestSent: true });
    expect(cards.join()).toContain(id);
  });
});
