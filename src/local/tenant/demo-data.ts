import type { TenantGroup, TenantUser } from './types';
import { guidFrom } from './hash';

const FIRST_NAMES = [
  'Adele', 'Alex', 'Allan', 'Diego', 'Grady', 'Henrietta', 'Isaiah', 'Johanna', 'Joni', 'Lee',
  'Lidia', 'Lynne', 'Megan', 'Miriam', 'Nestor', 'Patti', 'Pradeep', 'Alba', 'Bruno', 'Chiara',
] as const;
const LAST_NAMES = ['Vance', 'Wilber', 'Deyoung', 'Siciliani', 'Archie', 'Mueller', 'Langer', 'Lauer', 'Sherman', 'Gu'] as const;

const DEMO_USER_COUNT = FIRST_NAMES.length * LAST_NAMES.length;
const DEMO_DOMAIN = 'contoso.example';

function demoUserId(index: number): string {
  return guidFrom(`demo-user-${index}`);
}

/** Ring membership by user index (0-based), so the nesting below stays easy to read. */
const PILOT_USERS = range(0, 10);
const EARLY_DIRECT_USERS = range(10, 50);
const APPROVER_USERS = range(197, 200);
const FINANCE_USERS = range(150, 170);
/** Every twelfth user (from the 8th) has no Authenticator push registered: one pilot user among them. */
const isPushRegistered = (index: number): boolean => index % 12 !== 7;

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
  },
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

function demoUser(index: number): TenantUser {
  const first = FIRST_NAMES[index % FIRST_NAMES.length] ?? 'User';
  const last = LAST_NAMES[Math.floor(index / FIRST_NAMES.length) % LAST_NAMES.length] ?? String(index);
  const methodsRegistered = isPushRegistered(index)
    ? ['microsoftAuthenticatorPush', 'softwareOneTimePasscode', ...(index % 3 === 0 ? ['mobilePhone'] : [])]
    : index % 2 === 0
      ? ['mobilePhone']
      : [];
  return {
    id: demoUserId(index),
    userPrincipalName: `${first}.${last}@${DEMO_DOMAIN}`.toLowerCase(),
    displayName: `${first} ${last}`,
    methodsRegistered,
  };
}

export function demoUsers(): TenantUser[] {
  return range(0, DEMO_USER_COUNT).map(demoUser);
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
  ];
}
