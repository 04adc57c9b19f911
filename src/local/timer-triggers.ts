import { CronExpressionParser } from 'cron-parser';
import type { Clock, TimerHandle } from './durable/clock';
import type { FunctionRegistry } from './functions-host/registry';

/**
 * Runs the registered timer triggers on their NCRONTAB schedules (six fields, seconds first, UTC), one invocation at
 * a time per function: a tick that is still running when the next is due is skipped, as the Functions host does.
 */
export interface TimerTriggers {
  /** Next due time per function, for logs and tests. */
  next(): Record<string, string>;
  stop(): void;
}

export function startTimerTriggers(registry: FunctionRegistry, clock: Clock, log: (line: string) => void): TimerTriggers {
  const handles = new Map<string, TimerHandle>();
  const nextDue = new Map<string, Date>();
  let stopped = false;

  for (const fn of registry.list()) {
    if (fn.triggerType.toLowerCase() !== 'timertrigger') continue;
    const trigger = Object.values(fn.metadata.bindings).find((b) => b.type.toLowerCase() === 'timertrigger') as { schedule?: string } | undefined;
    const schedule = trigger?.schedule ?? '';
    let running = false;
    let last: Date | undefined;
    const arm = (): void => {
      if (stopped) return;
      const next = CronExpressionParser.parse(schedule, { currentDate: clock.now(), tz: 'UTC' }).next().toDate();
      nextDue.set(fn.name, next);
      handles.set(
        fn.name,
        clock.setTimer(next, () => {
          arm();
          if (running) return;
          running = true;
          const status = { last: (last ?? next).toISOString(), next: nextDue.get(fn.name)?.toISOString(), lastUpdated: clock.now().toISOString() };
          last = next;
          fn.invoke({ Schedule: { AdjustForDST: true }, ScheduleStatus: status, IsPastDue: false })
            .catch((error: unknown) => log(`timer ${fn.name} failed: ${error instanceof Error ? error.message : String(error)}`))
            .finally(() => {
              running = false;
            });
        }),
      );
    };
    arm();
  }
  return {
    next: () => Object.fromEntries([...nextDue].map(([name, at]) => [name, at.toISOString()])),
    stop: () => {
      stopped = true;
      for (const handle of handles.values()) handle.cancel();
    },
  };
}
