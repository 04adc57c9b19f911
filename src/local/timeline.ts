import type { HealthFigures, RolloutStatus } from '../orchestration/types';

/**
 * Turns successive rollout statuses into readable lines: every new history entry once, and each health check with its
 * figures. Used by `npm start`; pure, so it is tested on its own.
 */
export class TimelinePrinter {
  private printedHistory = 0;
  private lastHealth: string | undefined;

  constructor(private readonly out: (line: string) => void) {}

  private printedPreflight = false;

  update(status: RolloutStatus): void {
    // Health first: the latest check happened before the transition it may have caused.
    if (status.health && status.health.until !== this.lastHealth) {
      this.lastHealth = status.health.until;
      this.out(`${stamp(status.health.until)}  ${pad('Health', 16)} ${describeHealth(status.health)}`);
    }
    for (const entry of status.history.slice(this.printedHistory)) {
      const who = entry.actor && entry.actor.via !== 'rollout' && !entry.message.includes(entry.actor.name) ? `  [${entry.actor.name}]` : '';
      this.out(`${stamp(entry.at)}  ${pad(entry.status, 16)} ${entry.message}${who}`);
      if (entry.event === 'Rollout.Started') this.preflight(status);
    }
    this.printedHistory = status.history.length;
    this.preflight(status);
  }

  /** Once, right after the start: what preflight found per ring, and its warnings. */
  private preflight(status: RolloutStatus): void {
    if (this.printedPreflight || !status.rings) return;
    this.printedPreflight = true;
    for (const ring of status.rings) {
      const push = ring.members > 0 ? `, ${ring.pushRegistered} with Authenticator push` : '';
      this.out(`${pad('', 17)} ${pad('Preflight', 16)} ring ${ring.ring} = ${ring.displayName || ring.target} (${ring.members} members${push})`);
    }
    for (const warning of status.warnings) this.out(`${pad('', 17)} ${pad('Warning', 16)} ${warning}`);
  }
}

export function describeHealth(h: HealthFigures): string {
  const rate = `${(h.failureRate * 100).toFixed(1)}%`;
  const verdict = h.breached ? 'BREACHED' : h.judged ? 'ok' : 'too few sign-ins to judge yet';
  return `ring ${h.ring}: ${h.signIns} MFA sign-ins since ${stamp(h.since)}, ${h.failures} failed (${rate}) -> ${verdict}`;
}

/** "Mon 30 Nov 08:15" in UTC: the demo's clock is virtual, so the day matters as much as the hour. */
export function stamp(iso: string): string {
  const d = new Date(iso);
  const day = d.toLocaleDateString('en-GB', { weekday: 'short', day: '2-digit', month: 'short', timeZone: 'UTC' }).replace(/,/g, '');
  const time = d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC', hour12: false });
  return `${day} ${time}`;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

