import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO } from '../../../src/local/tenant';
import { APPROVER, GraphGate, OPERATOR, plan, startHarness, type Harness } from '../harness';

/**
 * Events that arrive while the rollout awaits something else. durable-functions' Task.any ignores a waiter that
 * completed before it was built (issue #558), so each of these was answered and then lost before the inbox learned to
 * hand out events already delivered. Each spec stops one kind of step at the Graph boundary (or at the Teams endpoint),
 * raises the event while it is in flight, lets it finish, and checks that the event was acted on.
 */

jest.setTimeout(60_000);

let h: Harness;
let gate: GraphGate;
afterEach(async () => {
  gate.open();
  await h.close();
});

async function startGated(overrides: Parameters<typeof plan>[0] = {}): Promise<string> {
  gate = new GraphGate();
  h = await startHarness({ gate });
  return h.start(plan(overrides));
}

/** Fires the next durable timer with Graph held at the gate; resolves once an activity is waiting there. */
async function nextTimerHeld(): Promise<{ advancing: Promise<Date | null> }> {
  const reached = gate.close();
  const advancing = h.host.advanceToNextTimer();
  await reached;
  // Wrapped: an async function that returned the promise itself would wait for it, and it waits for the gate.
  return { advancing };
}

function enableWrites(): number {
  return h.tenant.control.timeline().length;
}

describe('an event raised while a step is in flight is acted on', () => {
  it('abort during a health check rolls back, and no further ring is enabled', async () => {
    const id = await startGated({ rings: [{ name: 'pilot', target: DEMO.groups.pilot, soak: 'PT6H', approval: false }, { name: 'everyone', target: 'all_users', soak: 'PT6H', approval: false }] });
    await h.drive(id, { until: (s) => s.history.some((e) => e.event === 'Ring.Enabled') });
    const writesBefore = enableWrites();
    const { advancing } = await nextTimerHeld();
    expect((await h.control(id, 'abort', OPERATOR, 'pilot helpdesk calls')).kind).toBe('accepted');
    gate.open();
    await advancing;
    const final = await h.drive(id);
    expect(final.status).toBe('RolledBack');
    expect(final.message).toMatch(/aborted by Dana Operator: pilot helpdesk calls/);
    // One write after the abort: the rollback. The everyone ring was never enabled.
    expect(enableWrites()).toBe(writesBefore + 1);
    expect((await h.live('displayAppInformation')).enabledTarget).toBeNull();
  });

  it('pause during a health check pauses the rollout, which resumes and completes', async () => {
    const id = await startGated({ rings: [{ name: 'everyone', target: 'all_users', soak: 'PT6H', approval: false }] });
    await h.drive(id, { until: (s) => s.history.some((e) => e.event === 'Ring.Enabled') });
    const { advancing } = await nextTimerHeld();
    expect((await h.control(id, 'pause', OPERATOR, 'change freeze')).kind).toBe('accepted');
    gate.open();
    await advancing;
    await h.host.idle();
    const paused = await h.status(id);
    expect(paused).toMatchObject({ status: 'Paused', pause: { reason: 'Paused by Dana Operator: change freeze', by: { name: 'Dana Operator' } } });
    expect((await h.control(id, 'resume', OPERATOR)).kind).toBe('accepted');
    expect((await h.drive(id)).status).toBe('Completed');
  });

  it('abort during preflight ends with nothing written', async () => {
    gate = new GraphGate();
    h = await startHarness({ gate });
    const reached = gate.close();
    const id = await h.start(plan());
    await reached;
    expect((await h.control(id, 'abort', OPERATOR, 'wrong plan')).kind).toBe('accepted');
    gate.open();
    const final = await h.drive(id);
    expect(final.status).toBe('RolledBack');
    expect(final.message).toMatch(/Stopped before any change: aborted by Dana Operator: wrong plan\. Nothing was written/);
    expect(enableWrites()).toBe(0);
  });

  it('abort during a swap is acted on right after the write: the rollback follows, and no later ring is enabled', async () => {
    const id = await startGated();
    await h.drive(id, { until: (s) => s.status === 'AwaitingApproval' });
    const reached = gate.close();
    expect((await h.control(id, 'approve', APPROVER)).kind).toBe('accepted');
    await reached;
    // The early ring's swap is at the gate now.
    expect((await h.control(id, 'abort', OPERATOR, 'stop')).kind).toBe('accepted');
    gate.open();
    const final = await h.drive(id);
    expect(final.status).toBe('RolledBack');
    // The pilot, the early ring (the write in flight when the abort came) and the rollback: everyone was never enabled.
    expect(enableWrites()).toBe(3);
    expect((await h.live('displayAppInformation')).enabledTarget).toBeNull();
  });

  it('abort during a retry backoff rolls back without waiting for the next attempt', async () => {
    gate = new GraphGate();
    h = await startHarness({ gate });
    h.tenant.control.injectFaults([{ status: 500, method: 'PATCH', times: 10 }]);
    const id = await h.start(plan());
    await h.host.idle();
    const backingOff = await h.status(id);
    expect(backingOff.status).toBe('Running');
    h.tenant.control.clearFaults();
    expect((await h.control(id, 'abort', OPERATOR)).kind).toBe('accepted');
    await h.host.idle();
    const final = await h.status(id);
    expect(final.status).toBe('RolledBack');
    expect(final.message).toMatch(/aborted by Dana Operator/);
  });
});

describe('a slow Teams notification does not hold up an abort', () => {
  let workflows: Server;
  let release: () => void = () => undefined;
  afterAll(async () => {
    release();
    await new Promise<void>((r) => workflows.close(() => r()));
  });

  it('abort raised while a card is being posted rolls back', async () => {
    let holding = false;
    let held!: () => void;
    const posting = new Promise<void>((r) => (held = r));
    workflows = createServer((request, response) => {
      request.resume();
      if (!holding) return void response.writeHead(202).end();
      // Only the first card is held: the rollback's own cards go through.
      holding = false;
      held();
      release = () => {
        if (!response.headersSent) response.writeHead(202).end();
      };
    });
    await new Promise<void>((r) => workflows.listen(0, '127.0.0.1', () => r()));
    process.env.TEAMS_NOTIFY_URL = `http://127.0.0.1:${(workflows.address() as AddressInfo).port}/run?sig=secret`;
    try {
      gate = new GraphGate();
      h = await startHarness({ gate });
      const id = await h.start(plan());
      await h.drive(id, { until: (s) => s.status === 'AwaitingApproval' });
      holding = true;
      expect((await h.control(id, 'approve', APPROVER)).kind).toBe('accepted');
      await posting;
      expect((await h.control(id, 'abort', OPERATOR)).kind).toBe('accepted');
      // The card is still being posted: the rollout must not wait for it (bounded: 100 polls, 10 s).
      let status = await h.status(id);
      for (let i = 0; i < 100 && status.status !== 'RolledBack'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        status = await h.status(id);
      }
      expect(status.status).toBe('RolledBack');
    } finally {
      holding = false;
      release();
      delete process.env.TEAMS_NOTIFY_URL;
    }
  });
});
