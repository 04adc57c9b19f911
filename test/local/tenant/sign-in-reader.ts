import type { Collection, GraphSession } from './graph-session';

/** The sign-in fields the tests read (test helper). */
export interface SignIn {
  id: string;
  createdDateTime: string;
  userId: string;
  userPrincipalName: string;
  appId: string;
  correlationId: string;
  authenticationRequirement: string;
  status: { errorCode: number; failureReason: string; additionalDetails: string | null };
  authenticationDetails: {
    authenticationStepDateTime: string;
    authenticationMethod: string;
    authenticationMethodDetail: string | null;
    succeeded: boolean;
    authenticationStepResultDetail: string;
    authenticationStepRequirement: string;
  }[];
}

export const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

/** Every page of a sign-in query, following @odata.nextLink (bounded to 2,000 pages). */
export async function readSignIns(graph: GraphSession, filter: string, top = 1000): Promise<{ items: SignIn[]; pages: number }> {
  const items: SignIn[] = [];
  let next: string | undefined = `/v1.0/auditLogs/signIns?$filter=${encodeURIComponent(filter)}&$top=${top}`;
  let pages = 0;
  while (next !== undefined && pages < 2000) {
    const page: Collection<SignIn> = await graph.json<Collection<SignIn>>(next);
    items.push(...page.value);
    next = page['@odata.nextLink'];
    pages++;
  }
  return { items, pages };
}

/** The MFA step of a record (its second step), if any. */
export function mfaStep(signIn: SignIn): SignIn['authenticationDetails'][number] | undefined {
  return signIn.authenticationDetails.find((d) => d.authenticationStepRequirement === 'Multifactor authentication');
}
