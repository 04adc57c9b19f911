import type { TenantGroup, TenantUser } from './types';
import { guidFrom } from './hash';

const FIRST_NAMES = [
  'Adele', 'Alex', 'Allan', 'Diego', 'Grady', 'Henrietta', 'Isaiah', 'Johanna', 'Joni', 'Lee',
  'Lidia', 'Lynne', 'Megan', 'Miriam', 'Nestor', 'Patti', 'Pradeep', 'Alba', 'Bruno', 'Chiara',
] as const;
const LAST_NAMES = ['Vance', 'Wilber', 'Deyoung', 'Siciliani', 'Archie', 'Mueller', 'Langer', 'Lauer', 'Sherman', 'Gu'] as const;

const DEMO_USER_COUNT = FIRST_NAMES.length * LAST_NAMES.length;
const DEMO_DOMAIN = 'contoso.example';
const INDEX_HEX_DIGITS = 12;

/**
 * A generated user's id: a hash-looking GUID whose last group is the population index, so that an id leads back to
 * its user without a table of 100,000 ids.
 */
export function demoUserId(index: number): string {
  const hashed = guidFrom(`demo-user-${index}`);
  return `${hashed.slice(0, 24)}${index.toString(16).padStart(INDEX_HEX_DIGITS, '0')}`;
}

/** The population index of a generated user's id, if it is one (below `population`). */
export function demoUserIndex(id: string, population: number): number | undefined {
  const index = Number.parseInt(id.slice(-INDEX_HEX_DIGITS), 16);
  return Number.isInteger(index) && index >= 0 && index < population && demoUserId(index) === id.toLowerCase() ? index : undefined;
}

/** Users after the named 200 wrap the names with a number (adele.vance1@...). */
export function demoUserPrincipalName(index: number): string {
  const first = FIRST_NAMES[index % FIRST_NAMES.length] ?? 'User';
  const last = LAST_NAMES[Math.floor(index / FIRST_NAMES.length) % LAST_NAMES.length] ?? String(index);
  const round = Math.floor(index / DEMO_USER_COUNT);
  return `${first}.${last}${round === 0 ? '' : String(round)}@${DEMO_DOMAIN}`.toLowerCase();
}

/** Ring membership by user index (0-based), so the nesting below stays easy to read. */
const PILOT_USERS = range(0, 10);
const EARLY_DIRECT_USERS = range(10, 50);
const APPROVER_USERS = range(197, 200);
const FINANCE_USERS = range(150, 170);
/** Every twelfth user (from the 8th) has no Authenticator push registered: one pilot user among them. */
const isPushRegistered = (index: number): boolean => index % 12 !== 7;

/** The waves of the 4-ring enterprise plan (pilot 50 = `early`, then 5,000, 50,000, then all_users) start after the named users. */
const WAVE_1_SIZE = 5_000;
const WAVE_2_SIZE = 50_000;
const EARLY_SIZE = 50;
const WAVE_1_RANGE = { from: DEMO_USER_COUNT, to: DEMO_USER_COUNT + WAVE_1_SIZE - EARLY_SIZE };
const WAVE_2_RANGE = { from: WAVE_1_RANGE.to, to: WAVE_1_RANGE.to + WAVE_2_SIZE - WAVE_1_SIZE };
/** The population a tenant needs for the waves to have their full sizes. */
const ENTERPRISE_USER_COUNT = 100_000;

/** Fixed ids of the demo tenant (the same on every run). */
export const DEMO = {
  tenantId: '4f1c6d2a-93b7-4e0b-8a51-2c7d9e6f1b30',
  domain: DEMO_DOMAIN,
  userCount: DEMO_USER_COUNT,
  groups: {
    /** "Ring 0 - IT pilot": 10 users. */
    pilot: '0b6a2f3e-5c41-4d8e-9a27-61f0c3b8d512',
    /** "Ring 1 - Early adopters": 40 direct users plus the pilot group nested, 50 users in all. */
    early: '7e93c1d4-2b6f-4a08-b5e9-d43a18c6f720',
    /** "Rollout approvers": 3 users. */
    approvers: 'c25d8e71-6f3a-4b19-8c04-9e1b7a2d3f46',
    /** "Finance": 20 users, unrelated to the rollout. */
    finance: '3a8f0e62-d917-4c5b-a3e8-0f4b6c9d2e81',
    /**
     * "Ring 2 - Wave 1": ring 1 nested plus generated users, 5,000 users in all once the tenant has
     * DEMO.enterpriseUserCount users (fewer in a smaller tenant: only those that exist).
     */
    wave1: '5d2e9b17-8a4c-4f63-b0d1-7c3e6a9f2b48',
    /** "Ring 3 - Wave 2": wave 1 nested plus generated users, 50,000 in all at enterprise size. */
    wave2: 'e8c41a5b-3f7d-4926-9e0b-14d7f6a3c859',
  },
  /** `users` for the enterprise demo: the 4-ring plan is early (50), wave1 (5,000), wave2 (50,000), all_users. */
  enterpriseUserCount: ENTERPRISE_USER_COUNT,
  users: {
    /** adele.vance: in the pilot ring (and so in ring 1). */
    pilotUser: demoUserId(0),
    /** A pilot user without Authenticator push registered. */
    unregisteredPilotUser: demoUserId(7),
    /** In ring 1 directly, not in the pilot. */
    earlyAdopter: demoUserId(10),
    /** In no ring. */
    outsider: demoUserId(100),
    approvers: APPROVER_USERS.map(demoUserId),
  },
} as const;

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

export function demoMethodsRegistered(index: number): string[] {
  return isPushRegistered(index)
    ? ['microsoftAuthenticatorPush', 'softwareOneTimePasscode', ...(index % 3 === 0 ? ['mobilePhone'] : [])]
    : index % 2 === 0
      ? ['mobilePhone']
      : [];
}

export function demoUser(index: number): TenantUser {
  const first = FIRST_NAMES[index % FIRST_NAMES.length] ?? 'User';
  const last = LAST_NAMES[Math.floor(index / FIRST_NAMES.length) % LAST_NAMES.length] ?? String(index);
  const round = Math.floor(index / DEMO_USER_COUNT);
  return {
    id: demoUserId(index),
    userPrincipalName: demoUserPrincipalName(index),
    displayName: `${first} ${last}${round === 0 ? '' : ` ${round}`}`,
    methodsRegistered: demoMethodsRegistered(index),
  };
}

export function demoGroups(): TenantGroup[] {
  return [
    { id: DEMO.groups.pilot, displayName: 'Ring 0 - IT pilot', members: PILOT_USERS.map(demoUserId) },
    {
      id: DEMO.groups.early,
      displayName: 'Ring 1 - Early adopters',
      members: [DEMO.groups.pilot, ...EARLY_DIRECT_USERS.map(demoUserId)],
    },
    { id: DEMO.groups.approvers, displayName: 'Rollout approvers', members: APPROVER_USERS.map(demoUserId) },
    { id: DEMO.groups.finance, displayName: 'Finance', members: FINANCE_USERS.map(demoUserId) },
    { id: DEMO.groups.wave1, displayName: 'Ring 2 - Wave 1', members: [DEMO.groups.early], memberRange: { ...WAVE_1_RANGE } },
    { id: DEMO.groups.wave2, displayName: 'Ring 3 - Wave 2', members: [DEMO.groups.wave1], memberRange: { ...WAVE_2_RANGE } },
  ];
}
