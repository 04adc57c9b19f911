import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';

type Handler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

/**
 * Bad input is answered by the handlers with a specific 4xx. Anything else (the durable backend or Graph unreachable)
 * becomes a 503 with a JSON body and no stack trace; the details go to the function log only.
 */
export function guarded(handler: Handler): Handler {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      context.error(`${context.functionName} failed: ${error instanceof Error ? error.message : String(error)}`);
      return { status: 503, jsonBody: { error: 'ServiceUnavailable', message: 'the rollout service could not complete the request; try again shortly' } };
    }
  };
}
