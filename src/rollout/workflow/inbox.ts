import type { OrchestrationContext, Task } from 'durable-functions';

/**
 * Keeps at most ONE pending `waitForExternalEvent` task per event name and reuses it across loop iterations.
 * The SDK hands an arriving event to the most recently created open waiter of that name; a waiter abandoned by an
 * earlier race would otherwise stay open and later swallow an event meant for a new phase.
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
