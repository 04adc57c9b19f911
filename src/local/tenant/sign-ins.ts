import type { JsonObject } from '../../policy/types';
import type { Directory, UserHandle } from './directory';
import { mix, uniqueGuid, unit } from './hash';
import { renderSignIn, type RecordKind } from './sign-in-records';
import type { PushFailureReason, SignInTruth, TrafficKnobs, TrafficProfile, TrafficRule } from './types';

/**
 * Sign-ins are generated, never stored. Per user and hour a hash of (traffic seed, user, hour) draws how many
 * sign-ins the user makes, and per sign-in its time, app, method and outcome; a sign-in then publishes one to a few
 * records (interrupts a few seconds before the completion, sharing its correlationId; now and then a duplicate), each
 * visible only after its ingestion latency. Any window is produced lazily, one hour at a time, and the same window
 * always gives the same records. Rules raise failure rates by comparing the same draw with a higher rate, so a
 * baseline failure stays a failure inside an incident.
 */

/** The error codes a naive reader counts as MFA failures (interrupts and blocks included): what signInCount reports. */
export const MFA_FAILURE_CODES = [500121, 50074, 50076, 50158, 53003] as const;

/** Bound once for the hot loops, as in hash.ts: a global looked up per call is slow inside a vm context (jest). */
const { exp, floor } = Math;

const HOUR_MS = 3_600_000;
const DAY_HOURS = 24;
/** Graph keeps sign-in logs for 30 days (P1/P2): older ones no longer exist. */
const RETENTION_MS = 30 * 24 * HOUR_MS;
/** At most this many extra interrupts per sign-in, so that a sign-in's records never spread over more than an hour. */
const MAX_STORM = 20;
/** The id slot of a sign-in's correlationId (parts, the records of one sign-in, stay below it). */
const CORRELATION_PART = 63;
/** Hour buckets kept sorted in memory: a paged read walks one hour at a time, newest first. */
const CACHED_HOURS = 3;

export const DEFAULT_TRAFFIC: TrafficProfile = {
  seed: 1,
  mfaSignInsPerUserPerDay: 3,
  singleFactorSignInsPerUserPerDay: 1.5,
  pushFailureRate: 0.02,
  failureMix: { declined: 0.3, noResponse: 0.55, wrongNumber: 0.12, fraud: 0.03 },
  methodMix: { push: 0.55, previouslySatisfied: 0.3, textMessage: 0.1, verificationCode: 0.05 },
  interruptShare: 0.85,
  interruptStorm: 0,
  textMessageFailureRate: 0.06,
  externalChallengeShare: 0.02,
  blockedShare: 0.01,
  duplicateShare: 0.01,
  latency: { p95Seconds: 120, p99Seconds: 300, maxSeconds: 1800 },
};

/**
 * Traffic for tests of counting alone: every MFA sign-in is one push completion, visible at once, never duplicated
 * or interrupted. With it, "MFA records" and "push attempts" are the same thing.
 */
export const PUSH_ONLY_TRAFFIC: Partial<TrafficProfile> = {
  methodMix: { push: 1, previouslySatisfied: 0, textMessage: 0, verificationCode: 0 },
  interruptShare: 0,
  externalChallengeShare: 0,
  blockedShare: 0,
  duplicateShare: 0,
  latency: false,
};

const APPS = [
  { appId: '00000002-0000-0ff1-ce00-000000000000', appDisplayName: 'Office 365 Exchange Online' },
  { appId: '1fec8e78-bce4-4aaf-ab1b-5451cc387264', appDisplayName: 'Microsoft Teams' },
  { appId: 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c', appDisplayName: 'Azure Portal' },
  { appId: '00000003-0000-0ff1-ce00-000000000000', appDisplayName: 'Office 365 SharePoint Online' },
] as const;

const FAILURE_REASONS: readonly PushFailureReason[] = ['declined', 'noResponse', 'wrongNumber', 'fraud'];
const METHODS = ['push', 'previouslySatisfied', 'textMessage', 'verificationCode'] as const;

export type AuthenticationRequirement = 'multiFactorAuthentication' | 'singleFactorAuthentication';

export interface SignInQuery {
  /** Inclusive bounds in epoch milliseconds. */
  fromMs?: number;
  toMs?: number;
  requirement?: AuthenticationRequirement;
  userId?: string;
  errorCode?: number;
  appId?: string;
}

/** Where the previous page ended: results continue strictly after (older than) this record in the log's order. */
export interface SignInCursor {
  atMs: number;
  ord: number;
  user: number;
  seq: number;
}

/** A record before rendering: its place in the order, its visibility and its drawn facts. */
interface Spec extends SignInCursor {
  visibleAtMs: number;
  handle: UserHandle;
  /** The sign-in (session) the record belongs to: its hour and number that hour. */
  hour: number;
  session: number;
  /** 0 the completion, 1.. interrupts; duplicates share it. */
  part: number;
  kind: RecordKind;
  errorCode: number;
  startedAtMs: number;
  app: number;
  pending?: 'push' | 'textMessage';
  pushFailure?: PushFailureReason;
  codeRejected?: boolean;
  variant: number;
}

/** Newest first; ties broken by (ord, user, seq), which are unique per published copy. */
function newerFirst(a: SignInCursor, b: SignInCursor): number {
  return b.atMs - a.atMs || b.ord - a.ord || b.user - a.user || b.seq - a.seq;
}

export class SignInGenerator {
  private profile: TrafficProfile;
  private rules: TrafficRule[] = [];
  private revision = 0;
  private readonly buckets = new Map<string, { specs: Spec[]; spill: Spec[] }>();

  constructor(
    private readonly directory: Directory,
    profile: TrafficProfile,
  ) {
    this.profile = profile;
  }

  traffic(): TrafficProfile {
    return structuredClone(this.profile);
  }

  setTraffic(profile: TrafficProfile): void {
    this.profile = profile;
    this.changed();
  }

  setRules(rules: TrafficRule[]): void {
    this.rules = rules;
    this.changed();
  }

  /** Newest first, at most `limit` records visible at `nowMs`, after `cursor` when given; `next` when others follow. */
  page(query: SignInQuery, nowMs: number, limit: number, cursor?: SignInCursor): { signIns: JsonObject[]; next?: SignInCursor } {
    const found: JsonObject[] = [];
    let last: Spec | undefined;
    const scope = query.userId === undefined ? 'all' : this.directory.handleOf(query.userId);
    if (scope === undefined) return { signIns: found };
    for (const spec of this.scan(query, nowMs, scope, cursor)) {
      if (found.length === limit && last) return { signIns: found, next: cursorOf(last) };
      found.push(this.render(spec));
      last = spec;
    }
    return { signIns: found };
  }

  /** What signInCount reports: visible MFA-requirement records in the window, and those with an MFA failure code. */
  tally(fromMs: number, toMs: number, nowMs: number, target?: string): { signIns: number; failures: number } {
    let signIns = 0;
    let failures = 0;
    const query: SignInQuery = { fromMs, toMs, requirement: 'multiFactorAuthentication' };
    for (const spec of this.scan(query, nowMs, 'all')) {
      if (target !== undefined && !this.directory.isMember(target, spec.handle)) continue;
      signIns++;
      if ((MFA_FAILURE_CODES as readonly number[]).includes(spec.errorCode)) failures++;
    }
    return { signIns, failures };
  }

  /** Ground truth per sign-in completed in [fromMs, min(toMs, nowMs)], whatever is visible yet. */
  truth(fromMs: number, toMs: number, nowMs: number, target: string): SignInTruth {
    const t = emptyTruth();
    const upper = Math.min(toMs, nowMs);
    const lower = Math.max(fromMs, nowMs - RETENTION_MS);
    if (upper < lower) return t;
    this.directory.forEachMember(target, (handle) => {
      for (let hour = Math.floor(lower / HOUR_MS); hour <= Math.floor(upper / HOUR_MS); hour++) {
        for (const session of this.sessions(handle, hour)) {
          const completion = session[0];
          if (!completion || completion.atMs < lower || completion.atMs > upper) continue;
          addToTruth(t, session);
        }
      }
    });
    return t;
  }

  /** Matching visible records, newest first, lazily one hour bucket at a time. */
  private *scan(query: SignInQuery, nowMs: number, scope: 'all' | UserHandle, cursor?: SignInCursor): Generator<Spec> {
    const upper = Math.min(query.toMs ?? Infinity, nowMs, cursor?.atMs ?? Infinity);
    const lower = Math.max(query.fromMs ?? 0, nowMs - RETENTION_MS);
    if (!Number.isFinite(upper) || upper < lower) return;
    for (let hour = Math.floor(upper / HOUR_MS); hour >= Math.floor(lower / HOUR_MS); hour--) {
      const bucket = this.bucket(hour, scope);
      let i = cursor && hour === Math.floor(cursor.atMs / HOUR_MS) ? firstAfter(bucket, cursor) : 0;
      for (; i < bucket.length; i++) {
        const spec = bucket[i];
        if (!spec || spec.atMs > upper) continue;
        if (spec.atMs < lower) return;
        if (spec.visibleAtMs > nowMs || !this.matches(spec, query)) continue;
        yield spec;
      }
    }
  }

  private matches(spec: Spec, query: SignInQuery): boolean {
    if (query.requirement !== undefined && (spec.kind === 'singleFactor') !== (query.requirement === 'singleFactorAuthentication')) return false;
    if (query.errorCode !== undefined && spec.errorCode !== query.errorCode) return false;
    return query.appId === undefined || APPS[spec.app]?.appId === query.appId;
  }

  /**
   * Every record created in an hour, sorted newest first: the hour's sign-ins and the early interrupts of the next
   * hour's first ones. A read walks hours newest first, so the next hour's bucket is usually cached with those
   * interrupts set aside, and its sign-ins need not be generated again.
   */
  private bucket(hour: number, scope: 'all' | UserHandle): Spec[] {
    const scopeKey = `${scope === 'all' ? 'all' : this.directory.keyOf(scope)}|${this.revision}|${this.directory.revision}`;
    const key = `${hour}|${scopeKey}`;
    const cached = this.buckets.get(key);
    if (cached) {
      this.buckets.delete(key);
      this.buckets.set(key, cached);
      return cached.specs;
    }
    const specs: Spec[] = [];
    const spill: Spec[] = [];
    const later = this.buckets.get(`${hour + 1}|${scopeKey}`)?.spill;
    const collect = (handle: UserHandle): void => {
      for (const session of this.sessions(handle, hour)) {
        for (const spec of session) (spec.atMs >= hour * HOUR_MS ? specs : spill).push(spec);
      }
      if (later) return;
      for (const session of this.sessions(handle, hour + 1)) {
        for (const spec of session) if (spec.atMs < (hour + 1) * HOUR_MS) specs.push(spec);
      }
    };
    if (scope === 'all') this.directory.forEachMember('all_users', collect);
    else collect(scope);
    if (later) specs.push(...later);
    specs.sort(newerFirst);
    if (scope === 'all') {
      this.buckets.set(key, { specs, spill });
      for (const old of this.buckets.keys()) {
        if (this.buckets.size <= CACHED_HOURS) break;
        this.buckets.delete(old);
      }
    }
    return specs;
  }

  /** The user's sign-ins of an hour, each as its records (the completion first, then interrupts, then duplicates). */
  private sessions(handle: UserHandle, hour: number): Spec[][] {
    const user = this.directory.keyOf(handle);
    const base = mix(mix(this.profile.seed, user), hour);
    const hourKnobs = this.knobs(handle, hour * HOUR_MS);
    const result: Spec[][] = [];
    const mfa = poisson(unit(mix(base, 0x51)), hourKnobs.mfaSignInsPerUserPerDay / DAY_HOURS);
    for (let j = 0; j < mfa; j++) result.push(this.mfaSession(handle, user, hour, j, mix(base, j + 1)));
    const single = poisson(unit(mix(base, 0x52)), this.profile.singleFactorSignInsPerUserPerDay / DAY_HOURS);
    for (let j = 0; j < single; j++) {
      const draw = mix(base, 0x1000 + j);
      const atMs = hour * HOUR_MS + (draw % 3600) * 1000;
      result.push(this.publish([this.spec(handle, user, hour, 0x1000 + j, 0, draw, atMs, atMs, 'singleFactor', 0)]));
    }
    return result;
  }

  private mfaSession(handle: UserHandle, user: number, hour: number, session: number, draw: number): Spec[] {
    const atMs = hour * HOUR_MS + (draw % 3600) * 1000;
    const k = this.knobs(handle, atMs);
    const p = this.profile;
    const make = (part: number, kind: RecordKind, errorCode: number, at: number, started: number): Spec =>
      this.spec(handle, user, hour, session, part, draw, at, started, kind, errorCode);
    if (unit(mix(draw, 2)) < p.blockedShare) return this.publish([make(0, 'blocked', 53003, atMs, atMs)]);
    const method = pick(unit(mix(draw, 3)), METHODS, (m) => k.methodMix[m]) ?? 'push';
    if (method === 'previouslySatisfied' || method === 'verificationCode') return this.publish([make(0, method, 0, atMs, atMs)]);
    const interrupts: { kind: RecordKind; code: number }[] = [];
    if (method === 'push' && unit(mix(draw, 4)) < p.externalChallengeShare) interrupts.push({ kind: 'externalChallenge', code: 50158 });
    else if (unit(mix(draw, 5)) < k.interruptShare) interrupts.push({ kind: 'interrupt', code: unit(mix(draw, 6)) < 0.7 ? 50074 : 50076 });
    if (method === 'push') {
      const storm = Math.min(MAX_STORM, floor(k.interruptStorm) + (unit(mix(draw, 7)) < k.interruptStorm % 1 ? 1 : 0));
      for (let s = 0; s < storm; s++) interrupts.push({ kind: 'interrupt', code: unit(mix(draw, 40 + s)) < 0.7 ? 50074 : 50076 });
    }
    const times: number[] = [];
    let at = atMs;
    for (let i = 0; i < interrupts.length; i++) {
      at -= (3 + (mix(draw, 20 + i) % 18)) * 1000;
      times.push(at);
    }
    const started = at;
    const completion = make(0, method, 0, atMs, started);
    if (method === 'push' && unit(mix(draw, 8)) < k.pushFailureRate) {
      completion.errorCode = 500121;
      completion.pushFailure = pick(unit(mix(draw, 9)), FAILURE_REASONS, (r) => k.failureMix[r]) ?? 'noResponse';
    } else if (method === 'textMessage' && unit(mix(draw, 8)) < k.textMessageFailureRate) {
      completion.errorCode = 500121;
      completion.codeRejected = true;
    }
    const records = [completion];
    interrupts.forEach((interrupt, i) => {
      const spec = make(i + 1, interrupt.kind, interrupt.code, times[i] ?? atMs, started);
      spec.pending = method === 'textMessage' ? 'textMessage' : 'push';
      records.push(spec);
    });
    return this.publish(records);
  }

  private spec(handle: UserHandle, user: number, hour: number, session: number, part: number, draw: number, atMs: number, startedAtMs: number, kind: RecordKind, errorCode: number): Spec {
    const recordDraw = mix(draw, 100 + part);
    return {
      atMs,
      ord: recordDraw,
      user,
      seq: (session * 64 + part) * 2,
      visibleAtMs: atMs + this.latencyMs(recordDraw, 0),
      handle,
      hour,
      session,
      part,
      kind,
      errorCode,
      startedAtMs,
      app: mix(draw, 10) % APPS.length,
      variant: unit(mix(draw, 11)),
    };
  }

  /** Adds the second copies of the records published twice; a copy shows up after the original. */
  private publish(records: Spec[]): Spec[] {
    const copies = records
      .filter((r) => unit(mix(r.ord, 12)) < this.profile.duplicateShare)
      .map((r) => ({ ...r, seq: r.seq + 1, visibleAtMs: r.visibleAtMs + this.latencyMs(r.ord, 1) }));
    return copies.length === 0 ? records : [...records, ...copies];
  }

  /** Deterministic per record: a piecewise inverse of the latency distribution (p95, p99, then a tail up to the max). */
  private latencyMs(recordDraw: number, copy: number): number {
    const latency = this.profile.latency;
    if (!latency) return 0;
    const u = unit(mix(recordDraw, 13 + copy));
    const min = latency.p95Seconds / 12;
    const seconds =
      u < 0.95
        ? min + ((latency.p95Seconds - min) * u) / 0.95
        : u < 0.99
          ? latency.p95Seconds + ((latency.p99Seconds - latency.p95Seconds) * (u - 0.95)) / 0.04
          : latency.p99Seconds + (latency.maxSeconds - latency.p99Seconds) * ((u - 0.99) / 0.01) ** 2;
    return Math.round(seconds * 1000);
  }

  /** The profile's knobs, overridden by the rules that cover this user at this time (later rules win). */
  private knobs(handle: UserHandle, atMs: number): TrafficKnobs {
    let knobs: TrafficKnobs = this.profile;
    for (const rule of this.rules) {
      if ((rule.from && atMs < rule.from.getTime()) || (rule.to && atMs > rule.to.getTime())) continue;
      if (!this.covers(rule, handle)) continue;
      knobs = { ...knobs, ...definedKnobs(rule) };
    }
    return knobs;
  }

  private covers(rule: TrafficRule, handle: UserHandle): boolean {
    if (rule.target === undefined && rule.userIds === undefined) return true;
    if (rule.target !== undefined && this.directory.isMember(rule.target, handle)) return true;
    return rule.userIds !== undefined && rule.userIds.includes(this.directory.resolve(handle).id);
  }

  private render(spec: Spec): JsonObject {
    const user = this.directory.resolve(spec.handle);
    return renderSignIn({
      id: uniqueGuid(spec.user, spec.hour, spec.session * 64 + spec.part),
      correlationId: uniqueGuid(spec.user, spec.hour, spec.session * 64 + CORRELATION_PART),
      atMs: spec.atMs,
      startedAtMs: spec.startedAtMs,
      user,
      app: APPS[spec.app] ?? APPS[0],
      kind: spec.kind,
      errorCode: spec.errorCode,
      variant: spec.variant,
      ...(spec.pending ? { pending: spec.pending } : {}),
      ...(spec.pushFailure ? { pushFailure: spec.pushFailure } : {}),
      ...(spec.codeRejected ? { codeRejected: true } : {}),
    });
  }

  private changed(): void {
    this.revision++;
    this.buckets.clear();
  }
}

function cursorOf(spec: Spec): SignInCursor {
  return { atMs: spec.atMs, ord: spec.ord, user: spec.user, seq: spec.seq };
}

/** Index of the first record strictly older than the cursor in a newest-first bucket (binary search). */
function firstAfter(bucket: readonly Spec[], cursor: SignInCursor): number {
  let lo = 0;
  let hi = bucket.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const spec = bucket[mid];
    if (spec && newerFirst(spec, cursor) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function poisson(u: number, mean: number): number {
  if (!(mean > 0)) return 0;
  let p = exp(-mean);
  let cumulative = p;
  let k = 0;
  while (u > cumulative && k < 200) {
    k++;
    p *= mean / k;
    cumulative += p;
  }
  return k;
}

function pick<T>(u: number, options: readonly T[], weight: (option: T) => number): T | undefined {
  const total = options.reduce((sum, o) => sum + Math.max(0, weight(o)), 0);
  let left = u * total;
  for (const option of options) {
    left -= Math.max(0, weight(option));
    if (left < 0) return option;
  }
  return options.find((o) => weight(o) > 0);
}

function definedKnobs(rule: TrafficRule): Partial<TrafficKnobs> {
  const knobs: Partial<TrafficKnobs> = {};
  if (rule.mfaSignInsPerUserPerDay !== undefined) knobs.mfaSignInsPerUserPerDay = rule.mfaSignInsPerUserPerDay;
  if (rule.pushFailureRate !== undefined) knobs.pushFailureRate = rule.pushFailureRate;
  if (rule.failureMix !== undefined) knobs.failureMix = rule.failureMix;
  if (rule.methodMix !== undefined) knobs.methodMix = rule.methodMix;
  if (rule.interruptShare !== undefined) knobs.interruptShare = rule.interruptShare;
  if (rule.interruptStorm !== undefined) knobs.interruptStorm = rule.interruptStorm;
  if (rule.textMessageFailureRate !== undefined) knobs.textMessageFailureRate = rule.textMessageFailureRate;
  return knobs;
}

function emptyTruth(): SignInTruth {
  return {
    mfaSignIns: 0,
    pushAttempts: 0,
    pushSuccesses: 0,
    pushFailures: 0,
    pushFailuresByReason: { declined: 0, noResponse: 0, wrongNumber: 0, fraud: 0 },
    previouslySatisfied: 0,
    textMessage: 0,
    textMessageFailures: 0,
    verificationCode: 0,
    blocked: 0,
    interrupts: 0,
    singleFactor: 0,
    records: 0,
    duplicates: 0,
  };
}

function addToTruth(t: SignInTruth, records: readonly Spec[]): void {
  const completion = records[0];
  if (!completion) return;
  t.records += records.length;
  t.duplicates += records.filter((r) => r.seq % 2 === 1).length;
  t.interrupts += records.filter((r) => r.seq % 2 === 0 && (r.kind === 'interrupt' || r.kind === 'externalChallenge')).length;
  switch (completion.kind) {
    case 'singleFactor':
      t.singleFactor++;
      return;
    case 'push':
      t.pushAttempts++;
      if (completion.pushFailure) {
        t.pushFailures++;
        t.pushFailuresByReason[completion.pushFailure]++;
      } else t.pushSuccesses++;
      break;
    case 'textMessage':
      t.textMessage++;
      if (completion.codeRejected) t.textMessageFailures++;
      break;
    case 'previouslySatisfied':
      t.previouslySatisfied++;
      break;
    case 'verificationCode':
      t.verificationCode++;
      break;
    case 'blocked':
      t.blocked++;
      break;
    case 'interrupt':
    case 'externalChallenge':
      break;
  }
  t.mfaSignIns++;
}
