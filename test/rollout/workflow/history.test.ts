import { resolve } from 'node:path';
import { emptyTally, emptyTotals, firstSegment } from '../../../src/health';
import { installFunctionsCore } from '../../../src/local/functions-host/install';
import { loadFunctionApp } from '../../../src/local/functions-host/registry';
import { runOrchestrator, TIMER_LIMITS } from '../../../src/local/durable/episode';
import { EventType, historyEvent, type HistoryEvent } from '../../../src/local/durable/history';
import type { InstanceRecord } from '../../../src/local/durable/instance';
import { replayActions, type NewWork } from '../../../src/local/durable/shim';
import { DEMO } from '../../../src/local/tenant';
import { ACTIVITIES, ROLLOUT_ORCHESTRATOR } from '../../../src/rollout/names';
import type { ActivityResult, RolloutInput, RolloutResume, RolloutStatus } from '../../../src/rollout/types';
import { APPROVER, OPERATOR, plan, START } from '../harness';

/**
 * History-level specs of the workflow: given this history, the orchestrator asks for this work. The real
 * durable-functions replay engine runs the registered orchestrator on hand-written histories, as the library's own
 * tests do; no host, no tenant. Each rollout starts from a continued execution's input, so a spec begins in the
 * phase it is about.
 */

installFunctionsCore();
const registry = loadFunctionApp([resolve(__dirname, '../../../functions/rollout.js')]);
const orchestrator = registry.get(ROLLOUT_ORCHESTRATOR);

const RING_PLAN = plan();
const PILOT_ENABLED = new Date(START.getTime() + 60_000);

class Spec {
  private readonly history: HistoryEvent[] = [];
  private readonly record: InstanceRecord;
  private clock = START;
  status: RolloutStatus | undefined;

  constructor(input: RolloutInput) {
    this.record = {
      instanceId: input.rolloutId,
      name: ROLLOUT_ORCHESTRATOR,
      executionId: 'spec',
      input: JSON.stringify(input),
      runtimeStatus: 'Running',
      createdTime: START.toISOString(),
      lastUpdatedTime: START.toISOString(),
      customStatus: null,
      output: null,
      history: [],
      inbox: [],
      cancelledTimers: [],
    };
    this.started = historyEvent(EventType.ExecutionStarted, START, { Name: ROLLOUT_ORCHESTRATOR, Input: this.record.input });
  }

  /** Delivered with the first episode, after its OrchestratorStarted, as the extension does. */
  private started: HistoryEvent | undefined;

  /** One episode at `at` with these events delivered: the work it asks for, with the scheduling written down. */
  async episode(at: Date, ...delivered: HistoryEvent[]): Promise<NewWork[]> {
    this.clock = at;
    const first = this.started ? [this.started] : [];
    this.started = undefined;
    const history = [...this.history.map((e) => ({ ...e, IsPlayed: true })), historyEvent(EventType.OrchestratorStarted, at), ...first, ...delivered];
    const outcome = await runOrchestrator(orchestrator, this.record, history);
    if (outcome.error !== undefined) throw new Error(`the orchestrator failed: ${outcome.error}`);
    const shim = replayActions(history, outcome.actions, { instanceId: this.record.instanceId, executionId: this.record.executionId, ...TIMER_LIMITS });
    if (shim.problem) throw new Error(shim.problem);
    this.status = outcome.customStatus as RolloutStatus;
    this.history.splice(0, this.history.length, ...history);
    for (const work of shim.newWork) {
      if (work.kind === 'activity') this.history.push(historyEvent(EventType.TaskScheduled, at, { Name: work.name, ...(work.input !== undefined ? { Input: work.input } : {}) }, work.id));
      if (work.kind === 'timer') this.history.push(historyEvent(EventType.TimerCreated, at, { FireAt: work.fireAt.toISOString() }, work.id));
      if (work.kind === 'entity') {
        const message = { id: work.requestId, op: work.operation, signal: work.signal, input: work.input, parent: this.record.instanceId };
        this.history.push(historyEvent(EventType.EventSent, at, { InstanceId: work.target, Name: 'op', Input: JSON.stringify(message) }, work.id));
      }
    }
    this.history.push(historyEvent(EventType.OrchestratorCompleted, at));
    return shim.newWork;
  }

  event(name: string, payload: unknown): HistoryEvent {
    return historyEvent(EventType.EventRaised, this.clock, { Name: name, Input: JSON.stringify(payload) });
  }

  completed(work: NewWork | undefined, result: unknown): HistoryEvent {
    if (work?.kind !== 'activity') throw new Error('not an activity');
    return historyEvent(EventType.TaskCompleted, this.clock, { TaskScheduledId: work.id, Result: JSON.stringify(result) });
  }

  /** The entity's answer to a call, as the extension delivers it: an event named after the request. */
  answered(work: NewWork | undefined, result: unknown): HistoryEvent {
    if (work?.kind !== 'entity') throw new Error('not an entity call');
    return historyEvent(EventType.EventRaised, this.clock, { Name: work.requestId, Input: JSON.stringify({ result: JSON.stringify(result) }) });
  }

  fired(work: NewWork | undefined): HistoryEvent {
    if (work?.kind !== 'timer') throw new Error('not a timer');
    return historyEvent(EventType.TimerFired, work.fireAt, { TimerId: work.id, FireAt: work.fireAt.toISOString() });
  }
}

/** The pilot is enabled and soaking, or waiting at its checkpoint: what a continued execution carries. */
function resumed(phase: 'soak' | 'checkpoint'): RolloutInput {
  const status: RolloutStatus = {
    id: 'rspec2345',
    feature: 'displayAppInformation',
    status: phase === 'soak' ? 'Running' : 'AwaitingApproval',
    currentRing: 'pilot',
    enabledTarget: DEMO.groups.pilot,
    nextCheckpointAt: null,
    health: null,
    message: 'Ring pilot enabled and verified',
    history: [{ seq: 0, at: START.toISOString(), status: 'Running', event: 'Rollout.Started', message: 'Started by Dana Operator' }],
    startedBy: OPERATOR,
    warnings: [],
    ...(phase === 'checkpoint' ? { approval: { ring: 'pilot', requestedAt: START.toISOString(), deadline: new Date(START.getTime() + 2 * 86_400_000).toISOString(), onTimeout: 'rollback' as const } } : {}),
  };
  const resume: RolloutResume = {
    status,
    snapshot: { state: 'enabled' },
    ringIndex: 0,
    phase:
      phase === 'soak'
        ? { kind: 'soak', enabledAt: PILOT_ENABLED.toISOString(), soakEndMs: PILOT_ENABLED.getTime() + 86_400_000, nextCheckMs: PILOT_ENABLED.getTime() + 3 * 3_600_000, progress: { tally: emptyTally(), segment: firstSegment() } }
        : { kind: 'checkpoint', requestedAt: START.toISOString(), soakMinutes: 1440 },
    controlSoFar: emptyTotals(),
  };
  return { rolloutId: 'rspec2345', plan: RING_PLAN, startedBy: OPERATOR, settings: { signInLagMs: 0 }, resume };
}

const activities = (work: NewWork[]): string[] => work.filter((w) => w.kind === 'activity').map((w) => (w.kind === 'activity' ? w.name : ''));
const announced = (work: NewWork[]): unknown[] =>
  work.filter((w): w is Extract<NewWork, { kind: 'activity' }> => w.kind === 'activity' && w.name === ACTIVITIES.announce).map((w) => (JSON.parse(w.input ?? '{}') as { event: string }).event);
const ok = <T>(value: T): ActivityResult<T> => ({ ok: true, value });

describe('the workflow, history by history', () => {
  it('a soak waits for its next check; the fired timer takes a turn of the report budget, then asks for a health check', async () => {
    const spec = new Spec(resumed('soak'));
    const waiting = await spec.episode(START);
    expect(waiting).toEqual([expect.objectContaining({ kind: 'timer', fireAt: new Date(PILOT_ENABLED.getTime() + 3 * 3_600_000) })]);
    const at = new Date(PILOT_ENABLED.getTime() + 3 * 3_600_000);
    const reserving = await spec.episode(at, spec.fired(waiting[0]));
    expect(reserving).toEqual([expect.objectContaining({ kind: 'entity', operation: 'reserve' })]);
    const checking = await spec.episode(at, spec.answered(reserving[0], { startMs: at.getTime() }));
    expect(activities(checking)).toEqual([ACTIVITIES.checkHealth]);
  });

  it('a check whose turn of the report budget is later waits for it', async () => {
    const spec = new Spec(resumed('soak'));
    const waiting = await spec.episode(START);
    const at = new Date(PILOT_ENABLED.getTime() + 3 * 3_600_000);
    const reserving = await spec.episode(at, spec.fired(waiting[0]));
    const turn = await spec.episode(at, spec.answered(reserving[0], { startMs: at.getTime() + 4_000 }));
    expect(turn).toEqual([expect.objectContaining({ kind: 'timer', fireAt: new Date(at.getTime() + 4_000) })]);
    const checking = await spec.episode(new Date(at.getTime() + 4_000), spec.fired(turn[0]));
    expect(activities(checking)).toEqual([ACTIVITIES.checkHealth]);
  });

  it('an abort delivered while the health check is in flight is acted on at once: the rollback starts', async () => {
    const spec = new Spec(resumed('soak'));
    const waiting = await spec.episode(START);
    const at = new Date(PILOT_ENABLED.getTime() + 3 * 3_600_000);
    const reserving = await spec.episode(at, spec.fired(waiting[0]));
    const checking = await spec.episode(at, spec.answered(reserving[0], { startMs: at.getTime() }));
    const aborting = await spec.episode(at, spec.event('Abort', { actor: OPERATOR, reason: 'stop' }));
    expect(announced(aborting)).toEqual(['Rollback.Started']);
    expect(spec.status?.message).toMatch(/^Rolling back \(default\): aborted by Dana Operator: stop/);
    // The health check's late answer changes nothing: the rollback is the next write.
    const late = await spec.episode(at, spec.completed(checking[0], ok({})));
    expect(activities(late)).toEqual([]);
  });

  it('an abort delivered in the same episode as the health check’s answer still wins', async () => {
    const spec = new Spec(resumed('soak'));
    const waiting = await spec.episode(START);
    const at = new Date(PILOT_ENABLED.getTime() + 3 * 3_600_000);
    const reserving = await spec.episode(at, spec.fired(waiting[0]));
    const checking = await spec.episode(at, spec.answered(reserving[0], { startMs: at.getTime() }));
    const figures = { ring: 'pilot', target: DEMO.groups.pilot, since: PILOT_ENABLED.toISOString(), until: at.toISOString(), signIns: 3, failures: 0, failureRate: 0, reasons: { declined: 0, noResponse: 0, wrongNumber: 0, fraud: 0, other: 0 }, state: 'insufficient', baseline: null, threshold: 0.05, lowerBound: 0, controlAttempts: 0, breached: false, judged: false, sentence: '' };
    const both = await spec.episode(at, spec.completed(checking[0], ok({ figures, progress: { tally: emptyTally(), segment: firstSegment() }, reportRequests: 1 })), spec.event('Abort', { actor: OPERATOR }));
    expect(announced(both)).toEqual(['Rollback.Started']);
  });

  it('at the checkpoint, an approval for the open ring moves on: the decision is announced, then the next ring is enabled', async () => {
    const spec = new Spec(resumed('checkpoint'));
    const waiting = await spec.episode(START);
    expect(waiting).toEqual([expect.objectContaining({ kind: 'timer' })]);
    const approved = await spec.episode(START, spec.event('Approval', { actor: APPROVER, ring: 'pilot' }));
    expect(announced(approved)).toEqual(['Approval.Decided']);
    const next = await spec.episode(START, spec.completed(approved.find((w) => w.kind === 'activity'), null));
    expect(activities(next)).toEqual([ACTIVITIES.enableRing]);
    expect(JSON.parse(next[0]?.kind === 'activity' ? (next[0].input ?? '{}') : '{}')).toMatchObject({ ring: 'early', target: DEMO.groups.early });
  });

  it('at the checkpoint, a decision about another ring is recorded as ignored and asks for nothing', async () => {
    const spec = new Spec(resumed('checkpoint'));
    await spec.episode(START);
    const ignored = await spec.episode(START, spec.event('Rejection', { actor: APPROVER, ring: 'early' }));
    expect(activities(ignored)).toEqual([]);
    expect(spec.status?.history.at(-1)).toMatchObject({ event: 'Approval.Ignored', message: 'Ignored a decision meant for ring early' });
    expect(spec.status?.status).toBe('AwaitingApproval');
  });
});
