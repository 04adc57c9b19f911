import { z } from 'zod';
import type { PatchBody } from '../../policy/types';
import { isObject } from './authenticator-policy';
import { badRequest, TenantRequestError } from './graph-error';
import type { HandlerRequest, HandlerResponse } from './http-types';
import type { TenantState } from './tenant-state';
import { ruleHttpSchema, trafficPatchSchema } from './traffic';
import type { TrafficProfile } from './types';

/**
 * The control API over HTTP, for black-box tests against a tenant in another process. It needs no bearer token: the
 * server listens on 127.0.0.1 only, and this is a test double, never a real tenant.
 */

const faultSchema = z.strictObject({
  method: z.enum(['GET', 'PATCH', 'POST']).optional(),
  pathIncludes: z.string().optional(),
  status: z.union([z.literal(429), z.literal(503), z.literal(504), z.literal(500), z.literal(403), z.literal(401), z.literal('hang')]),
  retryAfterSeconds: z.number().int().min(0).optional(),
  times: z.number().int().min(1),
});

const incidentSchema = z.strictObject({
  target: z.string().min(1),
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  failureRate: z.number().min(0).max(1),
  errorCode: z.number().int().optional(),
});

const truthQuerySchema = z.strictObject({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  target: z.string().min(1).optional(),
});

const permissionsSchema = z.strictObject({ deny: z.array(z.string()).optional(), grant: z.array(z.string()).optional() });

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : 'body'}: ${i.message}`);
  throw badRequest(`Invalid ${what}: ${problems.join('; ')}.`);
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** Control-API errors thrown as plain Errors (bad targets, cycles) become 400s with their message. */
function control(action: () => HandlerResponse): HandlerResponse {
  try {
    return action();
  } catch (error) {
    if (error instanceof TenantRequestError || !(error instanceof Error)) throw error;
    throw badRequest(error.message);
  }
}

export function controlRoute(state: TenantState, method: string, segments: string[], r: HandlerRequest): HandlerResponse {
  const route = `${method} /${segments.join('/')}`;
  switch (route) {
    case 'GET /timeline':
      return { status: 200, json: state.timeline() };
    case 'GET /requests':
      return { status: 200, json: state.requests() };
    case 'GET /config':
      return { status: 200, json: state.config() };
    case 'PUT /config':
      if (!isObject(r.body)) throw badRequest('Invalid configuration: the body must be a JSON object.');
      state.setConfig(r.body);
      return { status: 204 };
    case 'PATCH /config':
      state.patchConfigAsAdmin(r.body as PatchBody);
      return { status: 204 };
    case 'POST /faults':
      state.injectFaults(parse(z.array(faultSchema), asList(r.body), 'faults'));
      return { status: 204 };
    case 'DELETE /faults':
      state.clearFaults();
      return { status: 204 };
    case 'POST /incidents': {
      const incidents = parse(z.array(incidentSchema), asList(r.body), 'incidents');
      return control(() => {
        for (const i of incidents) state.addIncident({ ...i, from: new Date(i.from), to: new Date(i.to) });
        return { status: 204 };
      });
    }
    case 'DELETE /incidents':
      state.clearIncidents();
      return { status: 204 };
    case 'GET /traffic':
      return { status: 200, json: state.traffic() };
    case 'PATCH /traffic': {
      const change = parse(trafficPatchSchema, r.body, 'traffic settings') as Partial<TrafficProfile>;
      return control(() => {
        state.setTraffic(change);
        return { status: 200, json: state.traffic() };
      });
    }
    case 'GET /traffic/rules':
      return { status: 200, json: state.trafficRules() };
    case 'POST /traffic/rules': {
      const rules = parse(z.array(ruleHttpSchema), asList(r.body), 'traffic rules');
      return control(() => {
        for (const { from, to, ...rest } of rules) {
          const rule = { ...rest, ...(from ? { from: new Date(from) } : {}), ...(to ? { to: new Date(to) } : {}) };
          state.addTrafficRule(rule);
        }
        return { status: 204 };
      });
    }
    case 'DELETE /traffic/rules':
      state.clearTrafficRules();
      return { status: 204 };
    case 'GET /sign-ins/truth': {
      const window = parse(truthQuerySchema, Object.fromEntries(r.query), 'sign-in truth query');
      return control(() => ({ status: 200, json: state.signInTruth(new Date(window.from), new Date(window.to), window.target) }));
    }
    case 'GET /reports/stats':
      return { status: 200, json: state.reportStats() };
    case 'DELETE /reports/stats':
      state.resetReportStats();
      return { status: 204 };
    case 'GET /permissions':
      return { status: 200, json: state.permissions() };
    case 'POST /permissions': {
      const change = parse(permissionsSchema, r.body, 'permissions change');
      for (const p of change.deny ?? []) state.denyPermission(p);
      for (const p of change.grant ?? []) state.grantPermission(p);
      return { status: 200, json: state.permissions() };
    }
    default:
      throw new TenantRequestError(404, 'BadRequest', `Unknown control route '${route}'. See src/local/tenant/control-http.ts for the list.`);
  }
}
