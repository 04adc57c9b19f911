/**
 * How the CLI client ends. Each class of failure has its own exit code so that scripts can tell them apart; the
 * README's Console section lists the same table.
 */
export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  rolledBack: 3,
  failed: 4,
  unreachable: 5,
  unauthenticated: 6,
  forbidden: 7,
  notFound: 8,
  conflict: 9,
  refused: 10,
  unavailable: 11,
} as const;

/** A failure the client explains in one line; never carries a key or a token. */
export class ClientError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** The exit code a rollout's end state stands for. */
export function exitCodeOf(status: string): number {
  if (status === 'Completed') return EXIT.ok;
  if (status === 'RolledBack') return EXIT.rolledBack;
  return EXIT.failed;
}
