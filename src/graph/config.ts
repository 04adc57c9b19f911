import { graphRequestTimeout, SettingError } from '../settings';
import { GraphConfigError } from './errors';
import type { ApiVersion } from './types';

/** Where Graph is and which identity calls it, from the environment of the Function App. */

export const DEFAULT_GRAPH_BASE_URL = 'https://graph.microsoft.com';
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
/** National clouds' Graph hosts: their tokens are for their own resource, not graph.microsoft.com. */
const NATIONAL_GRAPH_HOSTS: readonly string[] = ['graph.microsoft.us', 'dod-graph.microsoft.us', 'microsoftgraph.chinacloudapi.cn'];

/** The token scope for a Graph base: the national cloud's own resource there, graph.microsoft.com everywhere else (emulator included). */
export function graphScopeFor(base: GraphBase): string {
  const url = new URL(base.origin);
  return url.protocol === 'https:' && NATIONAL_GRAPH_HOSTS.includes(url.hostname) ? `${base.origin}/.default` : GRAPH_SCOPE;
}
const API_VERSIONS: readonly ApiVersion[] = ['v1.0', 'beta'];
const VERSION_SEGMENT = /^(v\d+(\.\d+)?|beta)$/i;
const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface GraphEnvironmentOptions {
  baseUrl: string;
  /** Only when GRAPH_API_VERSION is set: an override of the per-feature choice. */
  apiVersion?: ApiVersion;
  /** GRAPH_REQUEST_TIMEOUT, as given (default PT30S). */
  requestTimeout: string;
  managedIdentityClientId?: string;
}

/** A validated base URL: origin plus an optional path prefix (a proxy), never a version segment, no trailing slash. */
export interface GraphBase {
  url: string;
  origin: string;
  /** '' or '/prefix'. */
  pathPrefix: string;
}

/**
 * Reads GRAPH_BASE_URL, GRAPH_API_VERSION, GRAPH_REQUEST_TIMEOUT and AZURE_CLIENT_ID. Throws GraphConfigError naming
 * the variable at fault. An unset (or empty) GRAPH_API_VERSION lets the gateway choose the version per feature.
 */
export function graphOptionsFromEnv(env: NodeJS.ProcessEnv): GraphEnvironmentOptions {
  const baseUrl = parseGraphBaseUrl(env.GRAPH_BASE_URL ?? DEFAULT_GRAPH_BASE_URL, 'GRAPH_BASE_URL').url;
  const version = env.GRAPH_API_VERSION?.trim();
  let requestTimeout: string;
  try {
    requestTimeout = graphRequestTimeout(env).iso;
  } catch (error) {
    if (error instanceof SettingError) throw new GraphConfigError(error.setting, error.message);
    throw error;
  }
  const clientId = env.AZURE_CLIENT_ID?.trim();
  return {
    baseUrl,
    ...(version === undefined || version === '' ? {} : { apiVersion: parseApiVersion(version, 'GRAPH_API_VERSION') }),
    requestTimeout,
    ...(clientId === undefined || clientId === '' ? {} : { managedIdentityClientId: parseClientId(clientId, 'AZURE_CLIENT_ID') }),
  };
}

export function parseApiVersion(value: string, setting = 'apiVersion'): ApiVersion {
  const version = API_VERSIONS.find((v) => v === value.trim());
  if (!version) {
    throw new GraphConfigError(
      setting,
      `${setting} must be 'v1.0' (the current policy shape) or 'beta' (the legacy per-target shape); got '${value}'.`,
    );
  }
  return version;
}

export function parseClientId(value: string, setting = 'managedIdentityClientId'): string {
  if (!GUID.test(value)) {
    throw new GraphConfigError(setting, `${setting} must be the client id (a GUID) of the user-assigned managed identity; got '${value}'.`);
  }
  return value;
}

/**
 * The bearer token goes wherever this URL points, so it must be https (plain http only for a loopback emulator), carry
 * no credentials, query or fragment, and stop before the version, which GRAPH_API_VERSION chooses.
 */
export function parseGraphBaseUrl(value: string, setting = 'baseUrl'): GraphBase {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new GraphConfigError(setting, `${setting} must be an absolute URL such as ${DEFAULT_GRAPH_BASE_URL}; got '${value}'.`);
  }
  const loopback = LOOPBACK_HOSTS.includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new GraphConfigError(setting, `${setting} must use https (plain http is allowed only for a loopback emulator); got '${url.protocol}//${url.host}'.`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new GraphConfigError(setting, `${setting} must not contain a user name or password.`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new GraphConfigError(setting, `${setting} must not contain a query string or fragment; got '${value}'.`);
  }
  const segments = url.pathname.split('/').filter(Boolean);
  const version = segments.find((s) => VERSION_SEGMENT.test(s));
  if (version !== undefined) {
    throw new GraphConfigError(
      setting,
      `${setting} must not include an API version segment ('/${version}'): give the host only (e.g. ${DEFAULT_GRAPH_BASE_URL}) and choose the version with GRAPH_API_VERSION.`,
    );
  }
  const pathPrefix = segments.length === 0 ? '' : `/${segments.join('/')}`;
  return { url: `${url.origin}${pathPrefix}`, origin: url.origin, pathPrefix };
}
