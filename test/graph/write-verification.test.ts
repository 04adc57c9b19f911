import { GraphCancelledError, WriteVerificationError } from '../../src/graph';
import { DEMO, type EmulatedTenant } from '../../src/local/tenant';
import { featureStatus, planEnable, verifyWrite } from '../../src/policy';
import { gatewayFor, rejectionOf, requestsSince, startTenantWithIdentity } from './harness';

/** Graph is eventually consistent: right after a PATCH, reads may still show the old configuration. */

const LAG_READS = 2;
let tenant: EmulatedTenant;

beforeAll(async () => {
  tenant = await startTenantWithIdentity({ readAfterWriteLagReads: LAG_READS });
});

afterAll(async () => {
  await tenant.close();
});

describe('verifying a write by reading it back', () => {
  it('re-reads until the change shows (here after two stale reads), with one PATCH only', async () => {
    const gateway = gatewayFor(tenant);
    const before = await gateway.readConfig();
    const planned = planEnable(before, 'displayLocationInformation', DEMO.groups.early);
    const count = tenant.control.requests().length;
    const started = Date.now();

    const result = await gateway.writeConfig(planned.body, (readBack) => verifyWrite(before, planned, readBack));

    expect(result.reads).toBe(LAG_READS + 1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * 750);
    expect(featureStatus(result.readBack, 'displayLocationInformation').enabledTarget).toBe(DEMO.groups.early);
    expect(requestsSince(tenant, count, 'PATCH', 'MicrosoftAuthenticator')).toHaveLength(1);
    expect(requestsSince(tenant, count, 'GET', 'MicrosoftAuthenticator')).toHaveLength(LAG_READS + 1);
  });

  it('gives up after the configured number of reads with a WriteVerificationError carrying the problems and the last read-back', async () => {
    const gateway = gatewayFor(tenant, { verification: { reads: 4, delayMs: 20 } });
    const before = await gateway.readConfig();
    const planned = planEnable(before, 'displayAppInformation', DEMO.groups.pilot);
    const count = tenant.control.requests().length;

    const error = await rejectionOf(gateway.writeConfig(planned.body, () => ({ ok: false, problems: ['includeTarget is not the pilot ring'] })));

    expect(error).toBeInstanceOf(WriteVerificationError);
    const verification = error as WriteVerificationError;
    expect(verification.problems).toEqual(['includeTarget is not the pilot ring']);
    expect(verification.reads).toBe(4);
    // The lag is over by the last read, so the read-back shows what the PATCH stored.
    expect(featureStatus(verification.lastReadBack, 'displayAppInformation').enabledTarget).toBe(DEMO.groups.pilot);
    expect(verification.message).toContain('includeTarget is not the pilot ring');
    expect(verification.message).toContain('4 read-backs');
    expect(verification.toJSON()).toMatchObject({ name: 'WriteVerificationError', code: 'writeNotVerified' });
    expect(requestsSince(tenant, count, 'PATCH', 'MicrosoftAuthenticator')).toHaveLength(1);
    expect(requestsSince(tenant, count, 'GET', 'MicrosoftAuthenticator')).toHaveLength(4);
  });

  it("stops verifying as soon as the caller's signal fires, saying the PATCH was sent", async () => {
    const gateway = gatewayFor(tenant, { verification: { reads: 5, delayMs: 5000 } });
    const before = await gateway.readConfig();
    const planned = planEnable(before, 'displayLocationInformation', DEMO.groups.pilot);
    const started = Date.now();

    const error = await rejectionOf(gateway.writeConfig(planned.body, (readBack) => verifyWrite(before, planned, readBack), { signal: AbortSignal.timeout(500) }));

    expect(error).toBeInstanceOf(GraphCancelledError);
    expect(error.message).toContain('the PATCH was sent, so read the configuration before acting on it');
    // One 5 s pause would already exceed this.
    expect(Date.now() - started).toBeLessThan(4000);
  });
});
