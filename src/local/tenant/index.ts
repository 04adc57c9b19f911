/**
 * The emulated Entra tenant: a loopback HTTP server speaking the Microsoft Graph endpoints the product uses (the
 * Authenticator policy in both shapes, groups, users, sign-in logs, registration details) plus the App Service
 * managed identity endpoint, so the real Graph client and @azure/identity run against it. Used by tests, by
 * `npm start` (the demo rollout) and for offline rehearsals.
 *
 * Sign-in logs are generated lazily at any scale (TenantOptions.users, .traffic): interrupts before completions,
 * previously-satisfied and text-message sign-ins, duplicates and ingestion latency, shaped by traffic rules.
 *
 * Faithful to Graph where the product can tell: `/groups/{id}/transitiveMembers/$count` counts every member object
 * (nested groups too); `/transitiveMembers/microsoft.graph.user/$count` counts users only.
 */
import { listen } from './server';
import { controlOf, TenantState } from './tenant-state';
import type { EmulatedTenant, TenantOptions } from './types';

export { DEMO } from './demo-data';
export { DEFAULT_PERMISSIONS } from './tenant-state';
export { DEFAULT_TRAFFIC, MFA_FAILURE_CODES, PUSH_ONLY_TRAFFIC } from './sign-ins';
export { PUSH_FAILURE_DETAILS, PUSH_METHOD } from './sign-in-records';
export { TenantRequestError } from './graph-error';
export {
  LEGACY_ONLY_ON_BETA_MESSAGE,
  MISSING_ODATA_TYPE_MESSAGE,
  NUMBER_MATCHING_NOT_TOGGLEABLE,
} from './authenticator-policy';
export type * from './types';

export async function startEmulatedTenant(options: TenantOptions = {}): Promise<EmulatedTenant> {
  const state = new TenantState(options);
  const server = await listen(state, options.port ?? 0);
  return {
    url: server.url,
    identityEndpoint: `${server.url}/msi/token`,
    identityHeader: state.tokens.identityHeader,
    control: controlOf(state),
    close: server.close,
  };
}
