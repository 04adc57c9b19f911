import {
  approvalDecidedCard,
  approvalNeededCard,
  approvalReminderCard,
  completedCard,
  digestCard,
  driftCard,
  failedCard,
  pausedCard,
  ringEnabledCard,
  rollbackCard,
  rolloutStartedCard,
  textReply,
  MAX_DIGEST_ROLLOUTS,
  type ApprovalNeededModel,
  type CardMessage,
  type RolloutStartedModel,
} from '../../src/teams/cards';

const PILOT = '1ca44590-e896-4dbe-98ed-b140b1e7a53a';
const STATUS_URL = 'https://rollout.example.net/api/rollouts/r7k2m9xq';

/** Checks the envelope and card rules a Teams Workflows webhook needs, and returns every text a reader sees. */
function readCard(message: CardMessage): string {
  expect(message.type).toBe('message');
  expect(message.attachments).toHaveLength(1);
  const [attachment] = message.attachments;
  expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
  expect(attachment.contentUrl).toBeNull();
  const card = attachment.content;
  expect(card.type).toBe('AdaptiveCard');
  expect(card.version).toBe('1.4');
  expect(card.body.length).toBeGreaterThan(0);
  for (const action of card.actions) expect(action.type).toBe('Action.OpenUrl');
  const json = JSON.stringify(message);
  expect(json).not.toMatch(/Action\.(Submit|Execute|ShowCard|ToggleVisibility)/);
  // JSON escapes control characters as \u00XX; none may reach the card.
  expect(json).not.toMatch(/\\u00[01][0-9a-f]/i);
  return card.body
    .map((element) => (element.type === 'TextBlock' ? element.text : element.facts.map((f) => `${f.title}: ${f.value}`).join('\n')))
    .join('\n');
}

function openUrls(message: CardMessage): string[] {
  return message.attachments[0].content.actions.map((a) => a.url);
}

const started: RolloutStartedModel = {
  rolloutId: 'r7k2m9xq',
  feature: 'displayAppInformation',
  statusUrl: STATUS_URL,
  startedBy: 'Megan Bowen',
  shape: 'featureSettings',
  rings: [
    { name: 'pilot', target: PILOT, soak: 'P1D', approval: true, members: 42, pushRegistered: 30 },
    { name: 'everyone', target: 'all_users', soak: 'PT1H', approval: false },
  ],
  approvalTimeout: 'P2D',
  onApprovalTimeout: 'rollback',
  maxFailureRate: 0.05,
  minSignIns: 20,
  maxIncrease: 0.05,
  falseRollbackRate: 0.01,
  rollback: 'default',
  enabledTargetBefore: null,
  warnings: ['Only 71% of ring pilot have Authenticator push registered.'],
};

const approval: ApprovalNeededModel = {
  rolloutId: 'r7k2m9xq',
  feature: 'displayAppInformation',
  statusUrl: STATUS_URL,
  ring: 'pilot',
  target: PILOT,
  soak: 'P1D',
  health: {
    signIns: 812,
    failures: 9,
    failureRate: 9 / 812,
    maxFailureRate: 0.05,
    minSignIns: 20,
    state: 'healthy',
    baseline: 0.021,
    lowerBound: 0.004,
    threshold: 0.05,
    reasons: { declined: 2, noResponse: 7, wrongNumber: 0, fraud: 0, other: 0 },
  },
  deadline: '2025-03-03T12:00:00.000Z',
  onTimeout: 'rollback',
  next: { ring: 'everyone', target: 'all_users' },
  shape: 'featureSettings',
};

describe('notification cards', () => {
  it('rollout started: shows the plan, the health gate and the preflight warnings, with a link to the status', () => {
    const card = rolloutStartedCard(started);
    const text = readCard(card);
    expect(text).toContain('Rollout r7k2m9xq started: displayAppInformation');
    expect(text).toContain('Megan Bowen started a staged rollout of displayAppInformation through 2 rings');
    expect(text).toContain(`1. pilot: target ${PILOT}, 42 members (30 with Authenticator push), soak 1d (P1D), approval checkpoint after the soak`);
    expect(text).toContain('2. everyone: target all_users, soak 1h (PT1H)');
    expect(text).toContain("rollback when the ring's Authenticator pushes fail, at 99% confidence, more often than 5% or than the baseline + 5%");
    expect(text).toContain('Enabled before: nobody');
    expect(text).toContain('- Only 71% of ring pilot have Authenticator push registered.');
    expect(openUrls(card)).toEqual([STATUS_URL]);
  });

  it('rollout started: says when preflight found nothing', () => {
    expect(readCard(rolloutStartedCard({ ...started, warnings: [] }))).toContain('Preflight found nothing to warn about.');
  });

  it('ring enabled: names the ring, its target, its members and the next checkpoint', () => {
    const text = readCard(
      ringEnabledCard({ rolloutId: 'r7k2m9xq', feature: 'displayAppInformation', ring: 'pilot', target: PILOT, members: 42, position: 1, ringCount: 2, soak: 'P1D', nextCheckpointAt: '2025-03-02T12:00:00Z' }),
    );
    expect(text).toContain('Ring pilot enabled (ring 1 of 2)');
    expect(text).toContain(`displayAppInformation is now enabled for ${PILOT}`);
    expect(text).toContain('Members: 42');
    expect(text).toContain('Next checkpoint: 2025-03-02 12:00 UTC');
  });

  it('approval needed: gives the health figures, soak, deadline and exactly what to type', () => {
    const card = approvalNeededCard(approval);
    const text = readCard(card);
    expect(text).toContain('Approval needed: rollout r7k2m9xq, ring pilot');
    expect(text).toContain('Approve to go on to ring everyone (all_users), or reject to roll back.');
    expect(text).toContain('Authenticator pushes: 812');
    expect(text).toContain('Push failures: 9 (1.1%; ceiling 5%)');
    expect(text).toContain('Baseline: 2.1% (users not yet in the ring)');
    expect(text).toContain('Health verdict: healthy');
    expect(text).toContain('Failure reasons: no response: 7, declined: 2');
    expect(text).toContain('Soak: 1d (P1D)');
    expect(text).toContain('Deadline: 2025-03-03 12:00 UTC (then automatic rollback)');
    expect(text).toContain('approve r7k2m9xq pilot');
    expect(text).toContain('reject r7k2m9xq pilot <reason>');
    expect(openUrls(card)).toEqual([STATUS_URL]);
    expect(text).not.toContain('OVERRIDE_NUMBER_MATCHING_WITH_OTP');
  });

  it('approval needed: before an app-name rollout reaches all_users, says NPS extension and AD FS users will not see the application name', () => {
    const text = readCard(approvalNeededCard(approval));
    expect(text).toContain('Users who sign in through the NPS extension (VPN, RADIUS) or AD FS will not see the application name in their Authenticator notification');
    expect(text).not.toContain('Approve only when both are confirmed.');
    const earlier = readCard(approvalNeededCard({ ...approval, next: { ring: 'wave2', target: PILOT } }));
    expect(earlier).not.toContain('NPS extension');
  });

  it('rollout started: a location rollout says up front that NPS extension and AD FS users will not see the location', () => {
    const text = readCard(rolloutStartedCard({ ...started, feature: 'displayLocationInformation' }));
    expect(text).toContain('Not shown on premises');
    expect(text).toContain('will not see the geographic location');
    expect(readCard(rolloutStartedCard({ ...started, feature: 'companionApp' }))).not.toContain('NPS extension');
  });

  it('approval needed: says plainly when too few sign-ins were seen to judge health', () => {
    const text = readCard(approvalNeededCard({ ...approval, health: { signIns: 3, failures: 0, failureRate: 0, maxFailureRate: 0.05, minSignIns: 20, state: 'insufficient', baseline: null, lowerBound: 0, threshold: 0.05, reasons: { declined: 0, noResponse: 0, wrongNumber: 0, fraud: 0, other: 0 } } }));
    expect(text).toContain('Health verdict: not enough evidence yet (3 pushes; 20 needed to call it healthy)');
  });

  it('approval needed: before legacy number matching reaches all_users, lists the NPS and AD FS prerequisites', () => {
    const text = readCard(approvalNeededCard({ ...approval, feature: 'numberMatching', shape: 'legacy' }));
    expect(text).toContain('NPS extension');
    expect(text).toContain('1.0.1.40');
    expect(text).toContain('OVERRIDE_NUMBER_MATCHING_WITH_OTP = TRUE');
    expect(text).toContain('HKLM\\SOFTWARE\\Microsoft\\AzureMfa');
    expect(text).toContain('Approve/Deny');
    expect(text).toContain('Windows Server 2022: KB5006745 (or later, e.g. KB5007205)');
    expect(text).toContain('Windows Server 2019: KB5006744 (or later, e.g. KB5007206)');
    expect(text).toContain('Windows Server 2016: KB5006669 or later');
    expect(text).toContain('From 1.2.2216.1 on, a user who has a one-time passcode (OTP) method registered is asked for the code instead of Approve/Deny');
    expect(text).toContain('Versions 1.0.1.40 to 1.2.2131.2 do that only with the registry value OVERRIDE_NUMBER_MATCHING_WITH_OTP = TRUE');
    expect(text).toContain('The code prompt needs PAP on the RADIUS client: with MSCHAPv2 it fails.');
    expect(text).not.toContain('Not shown on premises');
    expect(text).toContain('Approve only when both are confirmed.');
  });

  it('approval needed: leaves the prerequisites out at a checkpoint that does not lead to all_users', () => {
    const text = readCard(approvalNeededCard({ ...approval, feature: 'numberMatching', shape: 'legacy', next: { ring: 'wave2', target: PILOT } }));
    expect(text).not.toContain('1.0.1.40');
  });

  it('rollout started: a legacy number-matching plan that reaches all_users warns about the prerequisites up front', () => {
    const text = readCard(rolloutStartedCard({ ...started, feature: 'numberMatching', shape: 'legacy' }));
    expect(text).toContain('1.0.1.40');
    expect(text).toContain('KB5006669');
  });

  it('approval reminder: says how much time is left and what happens then', () => {
    const text = readCard(
      approvalReminderCard({ rolloutId: 'r7k2m9xq', feature: 'displayAppInformation', ring: 'pilot', deadline: '2025-03-03T12:00:00Z', now: new Date('2025-03-03T08:30:00Z'), onTimeout: 'pause' }),
    );
    expect(text).toContain('3h 30m left to approve or reject ring pilot; after 2025-03-03 12:00 UTC the rollout pauses.');
    expect(text).toContain('approve r7k2m9xq');
  });

  it('approval given and refused: say by whom, why and what happens next', () => {
    const given = readCard(approvalDecidedCard({ rolloutId: 'r7k2m9xq', feature: 'displayAppInformation', ring: 'pilot', approved: true, by: 'Megan Bowen', nextRing: 'everyone' }));
    expect(given).toContain('Ring pilot approved by Megan Bowen');
    expect(given).toContain('The rollout goes on to ring everyone.');
    const refused = readCard(
      approvalDecidedCard({ rolloutId: 'r7k2m9xq', feature: 'displayAppInformation', ring: 'pilot', approved: false, by: 'Alex Wilber', reason: 'helpdesk tickets spiked' }),
    );
    expect(refused).toContain('Ring pilot refused by Alex Wilber');
    expect(refused).toContain('Reason: helpdesk tickets spiked');
    expect(refused).toContain('rolls back to the snapshot');
  });

  it('rollback: says why, what was restored and that it was verified', () => {
    const text = readCard(
      rollbackCard({ rolloutId: 'r7k2m9xq', feature: 'displayAppInformation', reason: 'the MFA failure rate 12% exceeded 5%', mode: 'default', restored: 'displayAppInformation back to default', verified: true, enabledTarget: null }),
    );
    expect(text).toContain('Rollout r7k2m9xq rolled back');
    expect(text).toContain('Rolled back because the MFA failure rate 12% exceeded 5%.');
    expect(text).toContain('Restored: displayAppInformation back to default');
    expect(text).toContain('Verified: yes');
  });

  it('rollback: says loudly when the restored state could NOT be verified', () => {
    const card = rollbackCard({ rolloutId: 'r7k2m9xq', feature: 'numberMatching', reason: 'rejected by Alex', mode: 'snapshot', restored: 'the snapshot entry', verified: false, enabledTarget: PILOT });
    const text = readCard(card);
    expect(text).toContain('ROLLBACK NOT VERIFIED: rollout r7k2m9xq');
    expect(text).toContain(`does NOT show the restored state. numberMatching may still be enabled for ${PILOT}`);
    expect(text).toContain('Verified: NO');
    const [titleBlock] = card.attachments[0].content.body;
    expect(titleBlock).toMatchObject({ type: 'TextBlock', color: 'attention', weight: 'bolder', size: 'large' });
  });

  it('completed: summarises where the feature ended up', () => {
    const text = readCard(
      completedCard({ rolloutId: 'r7k2m9xq', feature: 'displayAppInformation', target: 'all_users', rings: ['pilot', 'everyone'], startedBy: 'Megan Bowen', startedAt: '2025-03-01T12:00:00Z', completedAt: '2025-03-03T13:30:00Z' }),
    );
    expect(text).toContain('Rollout r7k2m9xq completed: displayAppInformation');
    expect(text).toContain('displayAppInformation is enabled for all_users after 2 rings: pilot, everyone.');
    expect(text).toContain('Took: 2d 1h 30m');
  });

  it('drift: lists what changed and what to do', () => {
    const text = readCard(
      driftCard({ rolloutId: 'r7k2m9xq', feature: 'displayAppInformation', changes: [`displayAppInformation: enabled target changed from ${PILOT} to all_users`], expectedTarget: PILOT, observedTarget: 'all_users', action: 'paused' }),
    );
    expect(text).toContain('Drift: the policy changed outside rollout r7k2m9xq');
    expect(text).toContain(`- displayAppInformation: enabled target changed from ${PILOT} to all_users`);
    expect(text).toContain('Observed target: all_users');
    expect(text).toContain('resume r7k2m9xq');
    expect(text).toContain('abort r7k2m9xq');
  });

  it('paused: says who paused it and how to continue', () => {
    const text = readCard(pausedCard({ rolloutId: 'r7k2m9xq', feature: 'companionApp', by: 'Megan Bowen', reason: 'Paused for the change freeze' }));
    expect(text).toContain('Paused by: Megan Bowen');
    expect(text).toContain('resume r7k2m9xq');
  });

  it('failed: gives the error and what to fix by hand', () => {
    const text = readCard(
      failedCard({ rolloutId: 'r7k2m9xq', feature: 'displayAppInformation', error: 'Graph refused the PATCH: 403 Forbidden (Policy.ReadWrite.AuthenticationMethod missing)', enabledTarget: PILOT }),
    );
    expect(text).toContain('Rollout r7k2m9xq FAILED');
    expect(text).toContain('Policy.ReadWrite.AuthenticationMethod missing');
    expect(text).toContain('To fix by hand');
    expect(text).toContain('compare it with the snapshot');
    expect(text).toContain(`Enabled target: ${PILOT}`);
  });

  it('digest: lists the active rollouts, bounded in length', () => {
    const entry = (i: number) => ({ rolloutId: `r${i}aaaaa`, feature: 'companionApp' as const, status: 'Running', currentRing: 'pilot', enabledTarget: PILOT, nextCheckpointAt: '2025-03-02T00:00:00Z' });
    const text = readCard(digestCard({ at: new Date('2025-03-01T09:00:00Z'), rollouts: [entry(1), entry(2)] }));
    expect(text).toContain('Rollout digest, 2025-03-01 09:00 UTC');
    expect(text).toContain('2 active rollouts:');
    expect(text).toContain(`- r1aaaaa: companionApp, Running, ring pilot, enabled for ${PILOT}, next checkpoint 2025-03-02 00:00 UTC`);
    const many = readCard(digestCard({ at: new Date(), rollouts: Array.from({ length: 40 }, (_, i) => entry(i)) }));
    expect(many).toContain(`and ${40 - MAX_DIGEST_ROLLOUTS} more`);
    expect(readCard(digestCard({ at: new Date(), rollouts: [] }))).toContain('No rollout is active.');
  });

  it('strips control characters from text taken from people or Graph', () => {
    const text = readCard(
      approvalDecidedCard({ rolloutId: 'r7k2m9xq', feature: 'companionApp', ring: 'pilot', approved: false, by: 'Eve\u0007\u202e', reason: 'bad\u0000 idea\u001b[31m' }),
    );
    expect(text).toContain('Reason: bad idea[31m');
    expect(text).toContain('refused by Eve');
  });

  it('offers no link rather than a link that is not http(s)', () => {
    expect(openUrls(rolloutStartedCard({ ...started, statusUrl: 'javascript:alert(1)' }))).toEqual([]);
    expect(openUrls(rolloutStartedCard({ ...started, statusUrl: undefined }))).toEqual([]);
  });
});

describe('webhook replies', () => {
  it('is a plain message with the text', () => {
    expect(textReply('Approved rollout r7k2m9xq.\u0000')).toEqual({ type: 'message', text: 'Approved rollout r7k2m9xq.' });
  });
});
