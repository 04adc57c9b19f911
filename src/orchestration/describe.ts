import type { HealthFigures } from './types';

/** A health check in one line, for people: the Teams status answer and the demo timeline. */
export function describeHealth(h: HealthFigures): string {
  const rate = `${(h.failureRate * 100).toFixed(1)}%`;
  const verdict = h.breached ? 'BREACHED' : h.judged ? 'ok' : 'too few sign-ins to judge yet';
  return `ring ${h.ring}: ${h.signIns} MFA sign-ins since ${stamp(h.since)}, ${h.failures} failed (${rate}) -> ${verdict}`;
}

/** "Mon 30 Nov 08:15" in UTC: a rollout spans days, so the day matters as much as the hour. */
export function stamp(iso: string): string {
  const d = new Date(iso);
  const day = d.toLocaleDateString('en-GB', { weekday: 'short', day: '2-digit', month: 'short', timeZone: 'UTC' }).replace(/,/g, '');
  const time = d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC', hour12: false });
  return `${day} ${time}`;
}
