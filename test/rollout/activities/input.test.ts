import { enableRingActivity } from '../../../src/rollout/activities/swap';
import { rollbackActivity } from '../../../src/rollout/activities/rollback';
import { checkHealthActivity } from '../../../src/rollout/activities/health';
import { configureServices } from '../../../src/rollout/services';

describe('activity inputs are checked where they enter, and a bad one is a final failure', () => {
  beforeAll(() => configureServices({ env: {}, graph: { baseUrl: 'http://127.0.0.1:9' } }));

  it('names the field a swap was called without, before any Graph request', async () => {
    expect(await enableRingActivity({ rolloutId: 'r2345678', feature: 'displayAppInformation', ring: 'pilot' })).toEqual({
      ok: false,
      permanent: true,
      error: expect.stringMatching(/^enableRingActivity was called with an input it cannot use: \$\.target/) as unknown,
    });
  });

  it('refuses a rollback whose snapshot is not a configuration object', async () => {
    const answer = await rollbackActivity({ rolloutId: 'r2345678', feature: 'companionApp', mode: 'default', snapshot: 'oops', rolloutTargets: [], reason: 'test' });
    expect(answer).toMatchObject({ ok: false, permanent: true });
    expect(answer.ok ? '' : answer.error).toMatch(/\$\.snapshot must be the Authenticator configuration object/);
  });

  it('refuses a health check over an unknown feature or a time that is not ISO 8601', async () => {
    const request = { rolloutId: 'r2345678', feature: 'smsSignIn', ring: 'pilot', target: 'all_users', since: 'yesterday', until: '2026-11-30T08:00:00.000Z', maxFailureRate: 0.05, minSignIns: 20 };
    const answer = await checkHealthActivity(request);
    expect(answer.ok ? '' : answer.error).toMatch(/\$\.feature .*; \$\.since/);
  });
});
