import { TenantRequestError } from './graph-error';
import type { Fault } from './types';

/** Thrown for a 'hang' fault: the server then never answers the request. */
export class HangingRequest extends Error {}

const FAULT_ERRORS: Readonly<Record<Exclude<Fault['status'], 'hang'>, { code: string; message: string }>> = {
  429: { code: 'TooManyRequests', message: 'Too many requests are being made to this resource. Retry after the time in the Retry-After header.' },
  503: { code: 'serviceNotAvailable', message: 'The service is temporarily unavailable. Retry after the time in the Retry-After header.' },
  504: { code: 'gatewayTimeout', message: 'The gateway did not receive a timely response from the service.' },
  500: { code: 'generalException', message: 'An unexpected error occurred while processing the request.' },
  403: { code: 'accessDenied', message: 'Request Authorization failed' },
  401: { code: 'InvalidAuthenticationToken', message: 'Access token validation failure. Invalid audience.' },
};

/** Injected failures, answered before normal handling; each is spent after `times` matching requests. */
export class FaultList {
  private readonly faults: Fault[] = [];

  add(faults: readonly Fault[]): void {
    this.faults.push(...faults.filter((f) => f.times > 0).map((f) => ({ ...f })));
  }

  clear(): void {
    this.faults.length = 0;
  }

  /** The error for this request if a fault matches it (spending one of its times). */
  take(method: string, path: string): TenantRequestError | HangingRequest | undefined {
    const index = this.faults.findIndex((f) => (f.method === undefined || f.method === method) && path.includes(f.pathIncludes ?? ''));
    const fault = this.faults[index];
    if (!fault) return undefined;
    fault.times -= 1;
    if (fault.times <= 0) this.faults.splice(index, 1);
    if (fault.status === 'hang') return new HangingRequest(`${method} ${path} is held open`);
    const { code, message } = FAULT_ERRORS[fault.status];
    const retryAfter = fault.status === 429 || fault.status === 503 ? fault.retryAfterSeconds : undefined;
    return new TenantRequestError(fault.status, code, message, retryAfter);
  }
}
