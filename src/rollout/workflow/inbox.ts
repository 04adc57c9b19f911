import type { OrchestrationContext, Task } from 'durable-functions';
import { EVENTS } from '../names';

/**
 * Keeps at most ONE pending `waitForExternalEvent` task per event name and reuses it across loop iterations.
 * The SDK hands an arriving event to the most recently created open waiter of that name; a waiter abandoned by an
 * earlier race would otherwise stay open and later swallow an event meant for a new phase.
 *
 * An event that arrives while the rollout awaits something else (an activity, a backoff timer) completes its waiter
 * there and then, but a `Task.any` built afterwards never notices a child that completed before it was built
 * (durable-functions issue #558). So every wait first asks the inbox for events already delivered.
 */
export class EventInbox {
  private readonly waiters = new Map<string, Task>();

  constructor(private readonly context: OrchestrationContext) {}

  waiter(name: string): Task {
    let task = this.waiters.get(name);
    if (!task) {
      task = this.context.df.waitForExternalEvent(name);
      this.waiters.set(name, task);
    }
    return task;
  }

  /** An event of one of `names` that has already arrived, Abort first (it always wins); not yet taken. */
  delivered(names: readonly string[]): Task | undefined {
    const ordered = names.includes(EVENTS.abort) ? [EVENTS.abort, ...names.filter((n) => n !== EVENTS.abort)] : names;
    for (const name of ordered) {
      const task = this.waiter(name);
      if (task.isCompleted) return task;
    }
    return undefined;
  }

  /** Marks a completed waiter as consumed and returns its event name. */
  take(task: Task): string | undefined {
    for (const [name, waiter] of this.waiters) {
      if (waiter === task) {
        this.waiters.delete(name);
        return name;
      }
    }
    return undefined;
  }
}
