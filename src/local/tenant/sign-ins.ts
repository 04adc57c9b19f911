import type { JsonObject } from '../../policy/types';
import { guidFrom, hashString, mix, unit } from './hash';
import type { TenantUser } from './types';

/**
 * Sign-ins are generated, never stored: whether a user signs in during an hour, when, to which app and whether MFA
 * fails all derive from a hash of (user id, hour). Any window can be produced lazily and the same window always gives
 * the same sign-ins, except where incidents raise the failure rate (the same draw then fails more often, so a
 * baseline failure stays a failure inside an incident).
 */

export const MFA_FAILURE_CODES = [500121, 50074, 50076, 50158, 53003] as const;

const HOUR_MS = 3_600_000;
/** Graph keeps sign-in logs for 30 days (P1/P2): older ones no longer exist. */
const RETENTION_MS = 30 * 24 * HOUR_MS;
/** About three MFA sign-ins per user per day, and some single-factor ones. */
const MFA_PER_HOUR = 0.125;
const SINGLE_FACTOR_PER_HOUR = 0.06;

const FAILURE_REASONS: Readonly<Record<number, { reason: string; detail: string }>> = {
  500121: { reason: 'Authentication failed during strong authentication request.', detail: 'MFA denied; user declined the authentication' },
  50074: { reason: 'Strong Authentication is required.', detail: 'MFA required in Azure AD' },
  50076: {
    reason:
      'Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource.',
    detail: 'MFA required in Azure AD',
  },
  50158: { reason: 'External security challenge not satisfied.', detail: 'MFA denied; external challenge not satisfied' },
  53003: { reason: 'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.', detail: 'MFA denied; blocked by Conditional Access' },
};

const APPS = [
  { appId: '00000002-0000-0ff1-ce00-000000000000', appDisplayName: 'Office 365 Exchange Online' },
  { appId: '1fec8e78-bce4-4aaf-ab1b-5451cc387264', appDisplayName: 'Microsoft Teams' },
  { appId: 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c', appDisplayName: 'Azure Portal' },
  { appId: '00000003-0000-0ff1-ce00-000000000000', appDisplayName: 'Office 365 SharePoint Online' },
] as const;

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

/** Where the previous page ended: results continue strictly after (older than) this sign-in. */
export interface SignInCursor {
  atMs: number;
  /** The sign-in's draw, which orders sign-ins of the same second. */
  draw: number;
}

export interface FailureOdds {
  rate: number;
  errorCode?: number;
}

interface Draft {
  atMs: number;
  user: TenantUser;
  requirement: AuthenticationRequirement;
  draw: number;
}

export class SignInGenerator {
  private readonly userSeeds = new Map<string, number>();

  constructor(
    private readonly users: () => TenantUser[],
    private readonly failureOdds: (userId: string, atMs: number) => FailureOdds,
  ) {}

  /** Newest first, at most `limit` sign-ins not after `nowMs`, after `cursor` when given; `next` when others follow. */
  page(query: SignInQuery, nowMs: number, limit: number, cursor?: SignInCursor): { signIns: JsonObject[]; next?: SignInCursor } {
    const upper = Math.min(query.toMs ?? Infinity, nowMs, cursor?.atMs ?? Infinity);
    const lower = Math.max(query.fromMs ?? 0, nowMs - RETENTION_MS);
    const users = query.userId === undefined ? this.users() : this.users().filter((u) => u.id === query.userId);
    const found: JsonObject[] = [];
    if (!Number.isFinite(upper) || upper < lower || users.length === 0) return { signIns: found };
    let last: Draft | undefined;
    for (let hour = Math.floor(upper / HOUR_MS); hour >= Math.floor(lower / HOUR_MS); hour--) {
      const drafts = users
        .flatMap((user) => this.draftsOf(user, hour))
        .filter((d) => d.atMs >= lower && d.atMs <= upper && (!cursor || isAfter(d, cursor)))
        .filter((d) => query.requirement === undefined || d.requirement === query.requirement)
        .sort((a, b) => b.atMs - a.atMs || b.draw - a.draw);
      for (const draft of drafts) {
        const signIn = this.render(draft);
        if (!matches(signIn, query)) continue;
        if (found.length === limit && last) return { signIns: found, next: { atMs: last.atMs, draw: last.draw } };
        found.push(signIn);
        last = draft;
      }
    }
    return { signIns: found };
  }

  /** Counts MFA sign-ins and failures in a window (bounded by now), optionally for some users only. */
  tally(fromMs: number, toMs: number, nowMs: number, userIds?: Set<string>): { signIns: number; failures: number } {
    let signIns = 0;
    let failures = 0;
    const upper = Math.min(toMs, nowMs);
    const lower = Math.max(fromMs, nowMs - RETENTION_MS);
    const users = this.users().filter((u) => !userIds || userIds.has(u.id));
    for (const user of users) {
      const seed = this.seedOf(user.id);
      for (let hour = Math.floor(upper / HOUR_MS); hour >= Math.floor(lower / HOUR_MS); hour--) {
        const draft = this.draft(user, seed, hour, 'multiFactorAuthentication');
        if (!draft || draft.atMs < lower || draft.atMs > upper) continue;
        signIns++;
        if (this.outcome(draft).errorCode !== 0) failures++;
      }
    }
    return { signIns, failures };
  }

  private draftsOf(user: TenantUser, hour: number): Draft[] {
    const seed = this.seedOf(user.id);
    const mfa = this.draft(user, seed, hour, 'multiFactorAuthentication');
    const singleFactor = this.draft(user, seed, hour, 'singleFactorAuthentication');
    return mfa && singleFactor ? [mfa, singleFactor] : mfa ? [mfa] : singleFactor ? [singleFactor] : [];
  }

  /** The user's sign-in of this kind in this hour, if the hash says there is one. */
  private draft(user: TenantUser, seed: number, hour: number, requirement: AuthenticationRequirement): Draft | undefined {
    const mfa = requirement === 'multiFactorAuthentication';
    const draw = mix(seed ^ (mfa ? 0x1b873593 : 0x5bd1e995), hour);
    if (unit(draw) >= (mfa ? MFA_PER_HOUR : SINGLE_FACTOR_PER_HOUR)) return undefined;
    return { atMs: hour * HOUR_MS + (mix(draw, 1) % 3600) * 1000, user, requirement, draw };
  }

  private outcome(draft: Draft): { errorCode: number } {
    if (draft.requirement !== 'multiFactorAuthentication') return { errorCode: 0 };
    const odds = this.failureOdds(draft.user.id, draft.atMs);
    if (unit(mix(draft.draw, 2)) >= odds.rate) return { errorCode: 0 };
    return { errorCode: odds.errorCode ?? MFA_FAILURE_CODES[mix(draft.draw, 3) % MFA_FAILURE_CODES.length] ?? 500121 };
  }

  private render(draft: Draft): JsonObject {
    const { errorCode } = this.outcome(draft);
    const app = APPS[mix(draft.draw, 4) % APPS.length] ?? APPS[0];
    const failure = FAILURE_REASONS[errorCode];
    const mfa = draft.requirement === 'multiFactorAuthentication';
    return {
      id: guidFrom(`${draft.user.id}/${draft.atMs}/${draft.requirement}`),
      createdDateTime: new Date(draft.atMs).toISOString().replace('.000Z', 'Z'),
      userDisplayName: draft.user.displayName,
      userPrincipalName: draft.user.userPrincipalName,
      userId: draft.user.id,
      appId: app.appId,
      appDisplayName: app.appDisplayName,
      clientAppUsed: 'Browser',
      isInteractive: true,
      conditionalAccessStatus: errorCode === 53003 ? 'failure' : 'notApplied',
      authenticationRequirement: draft.requirement,
      status: {
        errorCode,
        failureReason: failure?.reason ?? 'Other.',
        additionalDetails: failure ? failure.detail : mfa ? 'MFA completed in Azure AD' : null,
      },
      authenticationDetails: mfa
        ? [
            {
              authenticationMethod: 'Mobile app notification',
              succeeded: errorCode === 0,
              authenticationStepResultDetail: failure?.detail ?? 'MFA successfully completed',
            },
          ]
        : [{ authenticationMethod: 'Password', succeeded: true, authenticationStepResultDetail: 'Correct password' }],
    };
  }

  private seedOf(userId: string): number {
    let seed = this.userSeeds.get(userId);
    if (seed === undefined) {
      seed = hashString(userId);
      this.userSeeds.set(userId, seed);
    }
    return seed;
  }
}

function isAfter(draft: Draft, cursor: SignInCursor): boolean {
  return draft.atMs < cursor.atMs || (draft.atMs === cursor.atMs && draft.draw < cursor.draw);
}

function matches(signIn: JsonObject, query: SignInQuery): boolean {
  if (query.appId !== undefined && signIn.appId !== query.appId) return false;
  const status = signIn.status as { errorCode: number };
  return query.errorCode === undefined || status.errorCode === query.errorCode;
}
