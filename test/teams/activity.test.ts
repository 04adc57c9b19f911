import { checkActivity, DEFAULT_MAX_SKEW_MS, parseActivity, type TeamsActivity } from '../../src/teams/activity';
import { ReplayCache } from '../../src/teams/replay-cache';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const now = new Date('2025-03-01T12:00:00.000Z');

/** An activity shaped like the one Teams posts for "@Rollout approve r7k2m9xq". */
function teamsBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    id: '1740830400000',
    timestamp: now.toISOString(),
    localTimestamp: '2025-03-01T13:00:00.000+01:00',
    serviceUrl: 'https://smba.trafficmanager.net/emea/',
    channelId: 'msteams',
    text: '<at>Rollout</at>&nbsp;approve r7k2m9xq\n',
    textFormat: 'plain',
    from: { id: '29:1abc', name: 'Megan Bowen', aadObjectId: 'c2f0c1a4-0000-4000-8000-000000000001' },
    conversation: { isGroup: true, id: '19:abc@thread.skype;messageid=1740830400000', conversationType: 'channel', tenantId: TENANT },
    channelData: { teamsChannelId: '19:abc@thread.skype', teamsTeamId: '19:team@thread.skype', team: { id: '19:team@thread.skype' }, channel: { id: '19:abc@thread.skype' }, tenant: { id: TENANT } },
    entities: [{ type: 'clientInfo', locale: 'en-US' }],
    ...overrides,
  };
}

function parsed(overrides: Record<string, unknown> = {}): TeamsActivity {
  const result = parseActivity(teamsBody(overrides));
  if (!result.ok) throw new Error(result.reason);
  return result.activity;
}

const options = (seen = new ReplayCache()) => ({ now, maxSkewMs: DEFAULT_MAX_SKEW_MS, expectedTenantId: TENANT, seen });

describe('parsing the activity Teams posts', () => {
  it('reads a real-shaped activity and keeps the properties it does not know', () => {
    const activity = parsed();
    expect(activity.from.name).toBe('Megan Bowen');
    expect(activity.channelData?.tenant?.id).toBe(TENANT);
    expect(activity.serviceUrl).toBe('https://smba.trafficmanager.net/emea/');
  });

  it('names every missing or malformed field', () => {
    const result = parseActivity(teamsBody({ id: undefined, timestamp: 'yesterday', from: { name: 'x' } }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.status).toBe(400);
    expect(result.reason).toMatch(/^Not a Teams activity: /);
    expect(result.reason).toContain('id ');
    expect(result.reason).toContain('timestamp must be an ISO 8601 date-time string');
    expect(result.reason).toContain('from.id');
  });

  it('refuses a body that is not an object', () => {
    const result = parseActivity('approve');
    expect(result).toEqual({ ok: false, status: 400, reason: 'Not a Teams activity: the body must be a JSON object.' });
  });
});

describe('checking an activity before acting on it', () => {
  it('accepts a fresh activity from the expected tenant', () => {
    expect(checkActivity(parsed(), options())).toEqual({ ok: true });
  });

  it('accepts small clock differences either way', () => {
    const seen = new ReplayCache();
    expect(checkActivity(parsed({ id: '1', timestamp: new Date(now.getTime() - 299_000).toISOString() }), options(seen)).ok).toBe(true);
    expect(checkActivity(parsed({ id: '2', timestamp: new Date(now.getTime() + 299_000).toISOString() }), options(seen)).ok).toBe(true);
  });

  it('refuses a stale activity, sent more than 5 minutes ago', () => {
    const result = checkActivity(parsed({ timestamp: new Date(now.getTime() - 301_000).toISOString() }), options());
    expect(result).toEqual({ ok: false, status: 401, reason: 'The activity is stale: sent more than 300 seconds ago.' });
  });

  it('refuses an activity dated more than 5 minutes in the future', () => {
    const result = checkActivity(parsed({ timestamp: new Date(now.getTime() + 301_000).toISOString() }), options());
    expect(result).toEqual({ ok: false, status: 401, reason: 'The activity is dated in the future: more than 300 seconds ahead.' });
  });

  it('refuses the same activity played a second time', () => {
    const seen = new ReplayCache();
    expect(checkActivity(parsed(), options(seen))).toEqual({ ok: true });
    expect(checkActivity(parsed(), options(seen))).toEqual({ ok: false, status: 409, reason: 'The activity was already received (replay).' });
  });

  it('treats the same activity id in another conversation as a different activity', () => {
    const seen = new ReplayCache();
    checkActivity(parsed(), options(seen));
    const elsewhere = parsed({ conversation: { id: '19:other@thread.skype', conversationType: 'channel', tenantId: TENANT } });
    expect(checkActivity(elsewhere, options(seen))).toEqual({ ok: true });
  });

  it('refuses an activity from another tenant', () => {
    const other = '11111111-2222-3333-4444-555555555555';
    const result = checkActivity(parsed({ channelData: { tenant: { id: other } }, conversation: { id: 'c', tenantId: other } }), options());
    expect(result).toEqual({ ok: false, status: 403, reason: 'The activity comes from another tenant.' });
  });

  it('refuses an activity that names no tenant when a tenant is expected', () => {
    const result = checkActivity(parsed({ channelData: {}, conversation: { id: 'c' } }), options());
    expect(result).toMatchObject({ ok: false, status: 403, reason: expect.stringContaining('names no tenant') });
  });

  it('compares tenant ids without regard to case', () => {
    expect(checkActivity(parsed(), { ...options(), expectedTenantId: TENANT.toUpperCase() })).toEqual({ ok: true });
  });

  it('accepts any tenant when none is configured', () => {
    const result = checkActivity(parsed({ channelData: { tenant: { id: 'elsewhere' } } }), { now, maxSkewMs: DEFAULT_MAX_SKEW_MS, seen: new ReplayCache() });
    expect(result).toEqual({ ok: true });
  });

  it('refuses an activity from another team when a team is configured', () => {
    const result = checkActivity(parsed(), { ...options(), expectedTeamId: '19:different@thread.skype' });
    expect(result).toEqual({ ok: false, status: 403, reason: 'The activity comes from another team.' });
  });

  it('does not remember a refused activity, so the genuine one still gets through', () => {
    const seen = new ReplayCache();
    checkActivity(parsed({ timestamp: '2020-01-01T00:00:00Z' }), options(seen));
    expect(seen.size).toBe(0);
    expect(checkActivity(parsed(), options(seen))).toEqual({ ok: true });
  });
});
