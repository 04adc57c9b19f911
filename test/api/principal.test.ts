import { callerFrom, missingRole, ROLES } from '../../src/api/principal';

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
