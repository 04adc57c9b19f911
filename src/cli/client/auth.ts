import type { TokenCredential } from '@azure/identity';

/**
 * How the client proves who it is. A function key goes in `x-functions-key`; against an app with App Service
 * Authentication, a bearer token for the app's API (`api://<app-id>/.default`) from the Azure CLI's sign-in, else a
 * device code sign-in. @azure/identity loads only when a token is needed, so local use never pays for it.
 */

export interface AuthOptions {
  key?: string;
  appId?: string;
  /** Where the device code prompt goes (never stdout, which may be --json). */
  prompt: (line: string) => void;
}

export type AuthHeaders = () => Promise<Record<string, string>>;

export function authHeaders(options: AuthOptions): AuthHeaders {
  if (options.key) {
    const key = options.key;
    return () => Promise.resolve({ 'x-functions-key': key });
  }
  const appId = options.appId;
  if (!appId) return () => Promise.resolve({});
  let credential: TokenCredential | undefined;
  return async () => {
    if (!credential) {
      const identity = await import('@azure/identity');
      credential = new identity.ChainedTokenCredential(
        new identity.AzureCliCredential(),
        new identity.DeviceCodeCredential({ userPromptCallback: (info) => options.prompt(info.message) }),
      );
    }
    const token = await credential.getToken(`api://${appId}/.default`);
    if (!token) throw new Error(`no token could be had for api://${appId}`);
    return { authorization: `Bearer ${token.token}` };
  };
}
