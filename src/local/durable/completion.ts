/** A synchronously settling completion, as the extension's replay of the orchestrator's actions needs. */
export class Completion {
  settled = false;
  failed = false;
  private readonly listeners: (() => void)[] = [];

  settle(failed: boolean): void {
    if (this.settled) return;
    this.settled = true;
    this.failed = failed;
    for (const listener of this.listeners.splice(0)) listener();
  }

  onSettled(listener: () => void): void {
    if (this.settled) listener();
    else this.listeners.push(listener);
  }

  static done(): Completion {
    const c = new Completion();
    c.settle(false);
    return c;
  }
}
