/** Graph's largest (and default) page of sign-in records. */
export const SIGN_IN_PAGE_SIZE = 1000;

/** How a window of sign-ins is read: one tenant-wide query filtered by date, or one `userId eq` query per ring member. */
export type SignInReadMode = 'tenantWide' | 'perUser';

export interface SignInReadEstimate {
  mode: SignInReadMode;
  /** Report requests of each way; the cheaper one is `mode`. */
  tenantWideRequests: number;
  perUserRequests: number;
}

/**
 * The report requests a window costs each way, to choose the cheaper (each costs a fifth of the tenant's 10-second
 * report budget):
 * - tenant-wide: `max(1, ceil(tenantRecords / 1000))`, every record of the tenant in the window, 1000 per page;
 * - per user: one query per member, plus one page per further 1000 of the ring's own records
 *   (`users + floor(ringRecords / 1000)`), since Graph documents no `or`/`in` on userId to combine members.
 * Ties go to the tenant-wide read (one query). `users` null means everyone (all_users): tenant-wide only.
 */
export function estimateSignInRead(input: { tenantRecords: number; users: number | null; ringRecords?: number }): SignInReadEstimate {
  const tenantWideRequests = Math.max(1, Math.ceil(Math.max(0, input.tenantRecords) / SIGN_IN_PAGE_SIZE));
  const perUserRequests = input.users === null ? Infinity : input.users + Math.floor(Math.max(0, input.ringRecords ?? 0) / SIGN_IN_PAGE_SIZE);
  return { mode: perUserRequests < tenantWideRequests ? 'perUser' : 'tenantWide', tenantWideRequests, perUserRequests };
}
