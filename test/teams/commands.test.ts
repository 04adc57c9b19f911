import { ROLLOUT_ID_PATTERN } from '../../src/rollout/names';
import { HELP_TEXT, parseCommand, resolveRolloutId, type RolloutCandidate } from '../../src/teams/commands';

function command(text: string, knownIds?: string[]) {
  const result = parseCommand(text, { idPattern: ROLLOUT_ID_PATTERN, ...(knownIds ? { knownIds } : {}) });
  if (!result.ok) throw new Error(`expected a command, got: ${result.message}`);
  return result.command;
}

function refusal(text: string): string {
  const result = parseCommand(text, { idPattern: ROLLOUT_ID_PATTERN });
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.command)}`);
  return result.message;
}

describe('parsing commands typed in Teams', () => {
  it('takes the ring an approver decides about: approve <id> <ring>, reject <id> <ring> <reason>', () => {
    expect(command('<at>Rollout</at> approve r7k2m9xq pilot')).toEqual({ verb: 'approve', rolloutId: 'r7k2m9xq', ring: 'pilot' });
    const result = parseCommand('reject r7k2m9xq pilot users were confused', { idPattern: ROLLOUT_ID_PATTERN, knownIds: ['r7k2m9xq'], knownRings: ['pilot', 'everyone'] });
    expect(result).toEqual({ ok: true, command: { verb: 'reject', rolloutId: 'r7k2m9xq', ring: 'pilot', reason: 'users were confused' } });
    // A first word that is no ring of a known rollout is the start of the reason.
    expect(command('reject r7k2m9xq helpdesk calls', ['r7k2m9xq'])).toEqual({ verb: 'reject', rolloutId: 'r7k2m9xq', reason: 'helpdesk calls' });
  });

  it.each([
    ['approve', { verb: 'approve', rolloutId: 'r7k2m9xq' }],
    ['status', { verb: 'status', rolloutId: 'r7k2m9xq' }],
    ['pause', { verb: 'pause', rolloutId: 'r7k2m9xq' }],
    ['resume', { verb: 'resume', rolloutId: 'r7k2m9xq' }],
    ['abort', { verb: 'abort', rolloutId: 'r7k2m9xq' }],
  ])('reads "%s <id>"', (verb, expected) => {
    expect(command(`<at>Rollout</at> ${verb} r7k2m9xq`)).toEqual(expected);
  });

  it.each(['approve', 'status', 'pause', 'resume', 'abort', 'reject'])('reads "%s" without an id', (verb) => {
    expect(command(`<at>Rollout</at> ${verb}`)).toEqual({ verb });
  });

  it('reads help', () => {
    expect(command('<at>Rollout</at> help')).toEqual({ verb: 'help' });
  });

  it('reads verbs in any case and normalises the id to lower case', () => {
    expect(command('<at>Rollout</at> APPROVE R7K2M9XQ')).toEqual({ verb: 'approve', rolloutId: 'r7k2m9xq' });
    expect(command('Resume r7k2m9xq')).toEqual({ verb: 'resume', rolloutId: 'r7k2m9xq' });
  });

  it('strips the mention, HTML tags, &nbsp; and extra whitespace the Teams client adds', () => {
    const html = '<div><div><at>Authenticator Rollout</at>&nbsp;&nbsp;<span>approve</span>\r\n  r7k2m9xq&nbsp;</div></div>\n';
    expect(command(html)).toEqual({ verb: 'approve', rolloutId: 'r7k2m9xq' });
  });

  it('keeps the whole reason of a rejection, with entities decoded', () => {
    expect(command('<at>Rollout</at> reject r7k2m9xq helpdesk saw 40 tickets &amp; AD FS users can&#39;t sign in')).toEqual({
      verb: 'reject',
      rolloutId: 'r7k2m9xq',
      reason: "helpdesk saw 40 tickets & AD FS users can't sign in",
    });
  });

  it('takes a rejection without an id when the first word is plainly part of the reason', () => {
    expect(command('<at>Rollout</at> reject too many failures')).toEqual({ verb: 'reject', reason: 'too many failures' });
    expect(command('<at>Rollout</at> reject because NPS is old', ['r7k2m9xq'])).toEqual({ verb: 'reject', reason: 'because NPS is old' });
  });

  it('takes an all-letter first word as the id of a rejection when it is a known rollout', () => {
    expect(command('reject abcdefgh NPS too old', ['abcdefgh'])).toEqual({ verb: 'reject', rolloutId: 'abcdefgh', reason: 'NPS too old' });
  });

  it('refuses an unknown verb with a sentence and the help text', () => {
    const message = refusal('<at>Rollout</at> deploy r7k2m9xq');
    expect(message).toContain('"deploy" is not a command.');
    expect(message).toContain(HELP_TEXT);
  });

  it('refuses an empty message (only the mention)', () => {
    expect(refusal('<at>Rollout</at>&nbsp;')).toContain('The message has no command.');
  });

  it('refuses an id that does not look like a rollout id', () => {
    expect(refusal('approve r7k')).toContain('"r7k" is not a rollout id: an id is 6 to 12 letters and digits, like r7k2m9xq.');
    expect(refusal('approve r7k2-m9xq')).toContain('is not a rollout id');
  });

  it('refuses words after an id where the command takes none, rather than guessing', () => {
    expect(refusal('approve r7k2m9xq pilot please')).toContain('approve takes at most a rollout id and a ring, but was followed by "r7k2m9xq pilot please".');
    expect(refusal('pause r7k2m9xq now')).toContain('pause takes at most a rollout id, but was followed by "r7k2m9xq now".');
  });

  it('refuses a reason too long to record', () => {
    expect(refusal(`reject r7k2m9xq ${'x'.repeat(600)}`)).toMatch(/The reason is 600 characters long; keep it under 500\./);
  });

  it('does not echo a long unknown word back in full', () => {
    const message = refusal('x'.repeat(300));
    expect(message.split('\n')[0]!.length).toBeLessThan(80);
  });
});

describe('working out which rollout a command means', () => {
  const waiting: RolloutCandidate = { id: 'r7k2m9xq', status: 'AwaitingApproval', feature: 'numberMatching' };
  const waiting2: RolloutCandidate = { id: 'p3n8v1zt', status: 'AwaitingApproval', feature: 'displayAppInformation' };
  const running: RolloutCandidate = { id: 'k9d4w2hs', status: 'Running', feature: 'displayLocationInformation' };
  const approval = { statuses: ['AwaitingApproval'], verb: 'approve' as const };

  it('takes the only rollout the command can apply to when no id is given', () => {
    expect(resolveRolloutId(undefined, [waiting, running], approval)).toEqual({ ok: true, id: 'r7k2m9xq' });
  });

  it('says so when no rollout could be meant', () => {
    expect(resolveRolloutId(undefined, [running], approval)).toEqual({ ok: false, message: 'No rollout is waiting for approval.' });
    expect(resolveRolloutId(undefined, [])).toEqual({ ok: false, message: 'No rollout is active.' });
  });

  it('lists the rollouts and asks which when several could be meant', () => {
    expect(resolveRolloutId(undefined, [waiting, waiting2, running], approval)).toEqual({
      ok: false,
      message:
        '2 rollouts are waiting for approval: r7k2m9xq (numberMatching, waiting for approval), p3n8v1zt (displayAppInformation, waiting for approval); say which, e.g. "approve r7k2m9xq".',
    });
  });

  it('takes a named rollout even when others are waiting', () => {
    expect(resolveRolloutId('P3N8V1ZT', [waiting, waiting2], approval)).toEqual({ ok: true, id: 'p3n8v1zt' });
  });

  it('refuses a named rollout that does not exist, listing those that could be meant', () => {
    expect(resolveRolloutId('zzzzzz', [waiting, running], approval)).toEqual({
      ok: false,
      message: 'There is no rollout zzzzzz. Rollouts waiting for approval: r7k2m9xq (numberMatching, waiting for approval).',
    });
  });

  it('refuses a named rollout whose status the command does not apply to', () => {
    expect(resolveRolloutId('k9d4w2hs', [waiting, running], approval)).toEqual({
      ok: false,
      message: 'Rollout k9d4w2hs is running; approve applies only to a rollout that is waiting for approval.',
    });
  });

  it('considers every candidate when the statuses are left to the caller', () => {
    expect(resolveRolloutId(undefined, [running])).toEqual({ ok: true, id: 'k9d4w2hs' });
  });
});
