/**
 * An answer in Graph's error format. Handlers throw it; the server turns it into
 * `{ error: { code, message, innerError: { date, request-id, client-request-id } } }`.
 */
export class TenantRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'TenantRequestError';
  }
}

export function badRequest(message: string, code = 'BadRequest'): TenantRequestError {
  return new TenantRequestError(400, code, message);
}

/** The text Graph uses for a policy PATCH it refuses to persist. */
export function policyRejected(reason: string): TenantRequestError {
  return new TenantRequestError(400, 'badRequest', `Persistance of policy failed with error: ${reason}`);
}

export function notFound(message: string, code = 'Request_ResourceNotFound'): TenantRequestError {
  return new TenantRequestError(404, code, message);
}

export function resourceDoesNotExist(id: string): TenantRequestError {
  return notFound(`Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
}

export function routeNotFound(segment: string): TenantRequestError {
  return new TenantRequestError(404, 'BadRequest', `Resource not found for the segment '${segment}'.`);
}

export interface GraphErrorBody {
  error: { code: string; message: string; innerError: { date: string; 'request-id': string; 'client-request-id': string } };
}

export function graphErrorBody(error: TenantRequestError, requestId: string, clientRequestId: string): GraphErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      innerError: { date: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), 'request-id': requestId, 'client-request-id': clientRequestId },
    },
  };
}
