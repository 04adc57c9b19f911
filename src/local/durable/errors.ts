/** A refusal the client endpoints turn into an HTTP status (404, 409, 410, 400, 413). */
export class DurableHostError extends Error {
  constructor(
    message: string,
    readonly code: 'not-found' | 'conflict' | 'gone' | 'bad-request' | 'too-large',
  ) {
    super(message);
    this.name = 'DurableHostError';
  }
}

/**
 * The state directory cannot be used as it is: a file that is unreadable or inconsistent (`damaged`), or another
 * process that owns the directory (`locked`). The engine does not start and changes nothing; the message names the
 * file or directory and what to do.
 */
export class DurableStateError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
    readonly kind: 'damaged' | 'locked' = 'damaged',
  ) {
    super(
      kind === 'locked'
        ? `durable state directory ${path} ${problem}`
        : `durable state file ${path} ${problem}; nothing was changed: restore it from a backup, or move the state directory aside to start with empty state`,
    );
    this.name = 'DurableStateError';
  }
}
