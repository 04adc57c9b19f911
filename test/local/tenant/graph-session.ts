import type { EmulatedTenant } from '../../../src/local/tenant';

/** A plain-fetch Graph caller with a token from the tenant's managed identity endpoint (test helper). */
export interface GraphSession {
  token: string;
  call(method: string, path: string, options?: { body?: unknown; headers?: Record<string, string> }): Promise<Response>;
  /** GET that must answer 200, parsed as the type the test expects. */
  json<T = ConfigView>(path: string, headers?: Record<string, string>): Promise<T>;
}

export const CONFIG_PATH = '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/MicrosoftAuthenticator';

export async function msiToken(tenant: EmulatedTenant): Promise<string> {
  const response = await fetch(`${tenant.identityEndpoint}?api-version=2019-08-01&resource=https://graph.microsoft.com`, {
    headers: { 'X-IDENTITY-HEADER': tenant.identityHeader },
  });
  const body = (await response.json()) as { access_token: string };
  return body.access_token;
}

export async function graphSession(tenant: EmulatedTenant): Promise<GraphSession> {
  const token = await msiToken(tenant);
  const call: GraphSession['call'] = (method, path, options = {}) =>
    fetch(path.startsWith('http') ? path : `${tenant.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
    });
  return {
    token,
    call,
    json: async (path, headers) => {
      const response = await call('GET', path, { headers: headers ?? {} });
      if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as never;
    },
  };
}

export async function errorOf(response: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  return { status: response.status, code: body.error.code, message: body.error.message };
}

export interface FeatureEntry {
  state: string;
  includeTarget: { targetType: string; id: string };
  excludeTarget: { targetType: string; id: string };
}

export interface ConfigView {
  '@odata.context': string;
  '@odata.type': string;
  featureSettings: {
    displayAppInformationRequiredState: FeatureEntry;
    displayLocationInformationRequiredState: FeatureEntry;
    companionAppAllowedState?: FeatureEntry;
    [key: string]: unknown;
  };
  includeTargets: Record<string, unknown>[];
  [key: string]: unknown;
}

export interface Collection<T> {
  '@odata.context': string;
  '@odata.nextLink'?: string;
  value: T[];
}
