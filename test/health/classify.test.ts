import { classifySignIn, emptyTally, accumulateWindow, PUSH_METHOD_NAMES } from '../../src/health';
import { kinds, record } from './records';

describe('which sign-in records count as an Authenticator push outcome', () => {
  it('does not count the interrupt logged while the push is pending, and counts its completion', () => {
    expect(classifySignIn(kinds.interrupt('a'))).toEqual({ counted: false, why: 'interrupt' });
    expect(classifySignIn(kinds.pushSuccess('b'))).toEqual({ counted: true, id: 'b', outcome: 'success' });
  });

  it('treats 50074, 50076 and 50158 as interrupts whatever the push step says', () => {
    for (const code of [50074, 50076, 50158]) {
      const denied = kinds.denial('x', 'MFA denied; user declined the authentication');
      expect(classifySignIn({ ...denied, status: { errorCode: code } })).toEqual({ counted: false, why: 'interrupt' });
    }
  });

  it('does not count a sign-in whose MFA was previously satisfied, a text-message failure or a password-only sign-in', () => {
    expect(classifySignIn(kinds.previouslySatisfied('p'))).toEqual({ counted: false, why: 'previouslySatisfied' });
    expect(classifySignIn(kinds.textMessageFailure('s'))).toEqual({ counted: false, why: 'otherMethod' });
    expect(classifySignIn(kinds.passwordOnly('w'))).toEqual({ counted: false, why: 'noPushStep' });
    expect(classifySignIn({ createdDateTime: '2026-12-01T08:00:00Z', authenticationDetails: kinds.pushSuccess('z').authenticationDetails })).toEqual({ counted: false, why: 'noId' });
  });

  it('maps each denial text Entra writes to its reason', () => {
    const cases: Array<[string, string]> = [
      ['MFA denied; user declined the authentication', 'declined'],
      ['MFA Denied; user declined the authentication', 'declined'],
      ['MFA denied; user did not respond to mobile app notification', 'noResponse'],
      ['MFA denied; Phone App Reported Fraud', 'fraud'],
      ['MFA denied; user entered the wrong number in the Authenticator app', 'wrongNumber'],
      ['MFA denied; unable to send the mobile app notification to the device', 'otherFailure'],
    ];
    for (const [detail, outcome] of cases) expect(classifySignIn(kinds.denial('d', detail))).toEqual({ counted: true, id: 'd', outcome });
  });

  it('takes the reason from status.additionalDetails when the step detail is empty', () => {
    const r = kinds.denial('d', 'MFA denied; user did not respond to mobile app notification');
    const steps = r.authenticationDetails as Array<Record<string, unknown>>;
    const bare = { ...r, authenticationDetails: [steps[0], { ...steps[1], authenticationStepResultDetail: '' }] };
    expect(classifySignIn(bare)).toMatchObject({ outcome: 'noResponse' });
  });

  it('accepts every documented name of the Authenticator push, and refuses the app when it produced a code', () => {
    for (const name of PUSH_METHOD_NAMES) {
      const r = record('n', '2026-12-01T08:00:00Z', { status: { errorCode: 0 }, authenticationDetails: [{ authenticationMethod: name, succeeded: true }] });
      expect(classifySignIn(r)).toMatchObject({ counted: true, outcome: 'success' });
    }
    const code = record('c', '2026-12-01T08:00:00Z', {
      status: { errorCode: 0 },
      authenticationDetails: [{ authenticationMethod: 'Authenticator App', authenticationMethodDetail: 'Verification code', succeeded: true }],
    });
    expect(classifySignIn(code)).toEqual({ counted: false, why: 'otherMethod' });
  });

  it('counts a record that appears twice once', () => {
    const denial = kinds.denial('dup', 'MFA denied; user declined the authentication', '2026-12-01T08:05:00Z');
    const { tally } = accumulateWindow(
      emptyTally(),
      [denial, { ...denial }, kinds.pushSuccess('ok', '2026-12-01T08:06:00Z'), kinds.interrupt('int', '2026-12-01T08:04:00Z')],
      { fromMs: Date.parse('2026-12-01T08:00:00Z'), untilMs: Date.parse('2026-12-01T08:10:00Z'), overlapMs: 0 },
      () => 'ring',
    );
    expect(tally.ring).toEqual({ attempts: 2, failures: 1, reasons: { declined: 1, noResponse: 0, wrongNumber: 0, fraud: 0, other: 0 } });
  });
});
