export interface ErrorDetails {
  name: string;
  message: string;
  stack?: string;
}

/** What can be said about anything thrown: Errors, strings, `{ message }` objects, or other values. */
export function errorDetails(error: unknown): ErrorDetails {
  if (error instanceof Error) {
    return error.stack === undefined
      ? { name: error.name, message: error.message }
      : { name: error.name, message: error.message, stack: error.stack };
  }
  if (typeof error === 'string') return { name: 'Error', message: error };
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') {
    const name = 'name' in error && typeof error.name === 'string' ? error.name : 'Error';
    return { name, message: error.message };
  }
  return { name: 'Error', message: `non-error value thrown: ${describeValue(error)}` };
}

function describeValue(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return typeof value;
  }
}
