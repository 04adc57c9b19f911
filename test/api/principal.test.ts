import { authorize, callerFrom, missingRole, roleFor, ROLES } from '../../src/api/principal';

function headers(values: Record<string, string>): { get(name: string): string | null } {
  return { get: (name) => values[name.toLowerCase()] ?? null };
}

function principal(claims: Array<{ typ: string; val: string }>): string {
  return Buffer.from(JSON.stringify({ auth_typ: 'aad', name_typ: 'name', role_typ: 'roles', claims })).toString('base64');
}

describe('callers of the API', () => {
  it('without App Service Authentication headers, the function key is the only gate and the actor says so', () => {
    const result = callerFrom(headers({}));
    expect(result).toEqual({ ok: true, caller: { actor: { name: 'API caller (function key)', via: 'api' }, roles: null } });
    if (result.ok) expect(missingRole(result.caller, ROLES.operator)).toBeNull();
  });

  it('reads the object id, the name and the app roles from x-ms-client-principal', () => {
    const result = callerFrom(
      headers({
        'x-ms-client-principal': principal([
          { typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: 'aaaaaaaa-0000-4000-8000-000000000001' },
          { typ: 'name', val: 'Megan Bowen' },
          { typ: 'roles', val: 'Rollout.Operator' },
        ]),
      }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.caller.actor).toEqual({ name: 'Megan Bowen', id: 'aaaaaaaa-0000-4000-8000-000000000001', via: 'api' });
    expect(missingRole(result.caller, ROLES.operator)).toBeNull();
    expect(missingRole(result.caller, ROLES.approver)).toBe('Megan Bowen needs the app role Rollout.Approver');
  });

  it('refuses a principal header that is not base64 JSON', () => {
    expect(callerFrom(headers({ 'x-ms-client-principal': '%%%not-base64%%%' }))).toEqual({ ok: false, message: 'x-ms-client-principal is not base64-encoded JSON' });
    expect(callerFrom(headers({ 'x-ms-client-principal': Buffer.from('{"claims":7}').toString('base64') }))).toEqual({ ok: false, message: 'x-ms-client-principal has no claims' });
  });
});

describe('callers when the deployment requires authentication (ROLLOUT_REQUIRE_AUTH=true)', () => {
  const required = { ROLLOUT_REQUIRE_AUTH: 'true' };

  it('refuses a caller without a principal header, where without the setting the function key was enough', () => {
    expect(callerFrom(headers({}), {}).ok).toBe(true);
    expect(callerFrom(headers({}), { ROLLOUT_REQUIRE_AUTH: 'false' }).ok).toBe(true);
    const refused = callerFrom(headers({}), required);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.message).toMatch(/^sign in with Microsoft Entra ID: .*a function key alone is not enough/);
  });

  it('answers 401 naming the one role the action needs, and 403 for a signed-in caller without it', () => {
    expect(authorize(headers({}), roleFor('approve'), 'approve', required)).toEqual({
      ok: false,
      response: {
        status: 401,
        jsonBody: {
          error: 'Unauthorized',
          message: 'sign in with Microsoft Entra ID: this deployment requires an authenticated caller (ROLLOUT_REQUIRE_AUTH=true), and a function key alone is not enough; to approve a rollout you need the app role Rollout.Approver',
          requiredRole: 'Rollout.Approver',
        },
      },
    });
    const operator = headers({ 'x-ms-client-principal': principal([{ typ: 'name', val: 'Olga Operator' }, { typ: 'roles', val: 'Rollout.Operator' }]) });
    expect(authorize(operator, roleFor('pause'), 'pause', required).ok).toBe(true);
    expect(authorize(operator, roleFor('reject'), 'reject', required)).toEqual({
      ok: false,
      response: { status: 403, jsonBody: { error: 'Forbidden', message: 'Olga Operator needs the app role Rollout.Approver to reject a rollout', requiredRole: 'Rollout.Approver' } },
    });
  });

  it('gives the roles by action: approve and reject are the approver’s, the rest the operator’s', () => {
    expect(['approve', 'reject', 'pause', 'resume', 'abort', 'start'].map(roleFor)).toEqual([
      ROLES.approver, ROLES.approver, ROLES.operator, ROLES.operator, ROLES.operator, ROLES.operator,
    ]);
  });
});
