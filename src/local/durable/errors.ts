/** A refusal the client endpoints turn into an HTTP status (404, 409, 410, 400). */
export class DurableHostError extends Error {
  constructor(
    message: string,
    readonly code: 'not-found' | 'conflict' | 'gone' | 'bad-request',
  ) {
    super(message);
    this.name = 'DurableHostError';
  }
}
