import { REDACTED } from './scrub';
import type { DependencyType } from './types';

const LEADING_HOST = /^[a-z0-9.-]+(?::\d+)?(?=\/|$)/i;

/**
 * What a dependency's target may show. Graph: scheme, host and path, never the query (filters carry user names).
 * Teams Workflows: the host only; the path and its `sig=` are what invoke the flow.
 */
export function dependencyTarget(type: DependencyType, target: string): string {
  const url = parseUrl(target);
  if (type === 'Teams Workflows') {
    if (url) return url.host;
    return LEADING_HOST.exec(target)?.[0] ?? REDACTED;
  }
  if (url) return `${url.protocol}//${url.host}${url.pathname}`;
  return target.split(/[?#]/, 1)[0] ?? '';
}

function parseUrl(text: string): URL | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return undefined;
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
