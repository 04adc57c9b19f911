import { describeHealth, stamp } from '../rollout/desk/describe';
import type { RolloutStatus } from '../rollout/types';

/**
 * Turns successive rollout statuses into readable lines: every new history entry once, and each health check with its
 * figures. Used by `npm start`; pure, so it is tested on its own.
 */
export class TimelinePrinter {
  /** The seq of the next history entry to print: the status keeps only the newest entries, so positions shift. */
  private nextSeq = 0;
  private lastHealth: string | undefined;

  constructor(private readonly out: (line: string) => void) {}

  private printedPreflight = false;

  update(status: RolloutStatus): void {
    // Health first: the latest check happened before the transition it may have caused.
    if (status.health && status.health.until !== this.lastHealth) {
      this.lastHealth = status.health.until;
      this.out(`${stamp(status.health.until)}  ${pad('Health', 16)} ${describeHealth(status.health)}`);
    }
    for (const entry of status.history.filter((e) => e.seq >= this.nextSeq)) {
      const who = entry.actor && entry.actor.via !== 'rollout' && !entry.message.includes(entry.actor.name) ? `  [${entry.actor.name}]` : '';
      this.out(`${stamp(entry.at)}  ${pad(entry.status, 16)} ${entry.message}${who}`);
      if (entry.event === 'Rollout.Started') this.preflight(status);
    }
    this.nextSeq = Math.max(this.nextSeq, ...status.history.map((e) => e.seq + 1));
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

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}
