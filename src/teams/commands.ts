import { messageWords } from './plain-text';

/** The commands people type after @mentioning the rollout webhook in a Teams channel. */

export const MAX_REASON_LENGTH = 500;

export type TargetedVerb = 'approve' | 'reject' | 'status' | 'pause' | 'resume' | 'abort';
export const VERBS = ['approve', 'reject', 'status', 'pause', 'resume', 'abort', 'help'] as const;
export type Verb = (typeof VERBS)[number];

export type RolloutCommand =
  | { verb: Exclude<TargetedVerb, 'reject' | 'approve'>; rolloutId?: string }
  | { verb: 'approve'; rolloutId?: string; ring?: string }
  | { verb: 'reject'; rolloutId?: string; ring?: string; reason?: string }
  | { verb: 'help' };

export type CommandParse = { ok: true; command: RolloutCommand } | { ok: false; message: string };

export const HELP_TEXT = [
  'Commands (the rollout id can be left out when only one rollout could be meant):',
  '- approve <id> [ring] - let the rollout go past its checkpoint to the next ring (naming the ring refuses a decision about another one)',
  '- reject <id> [ring] <reason> - refuse the approval; the rollout rolls back',
  '- status <id> - where the rollout is: ring, target, health, next checkpoint',
  '- pause <id> - hold the rollout where it is',
  '- resume <id> - continue a paused rollout',
  '- abort <id> - stop the rollout and roll back',
  '- help - this list',
].join('\n');

export interface ParseOptions {
  /** What a rollout id looks like (the rollout core issues them; this module only recognises them). */
  idPattern: RegExp;
  /**
   * Ids of the rollouts that exist. `reject` is followed by free text, so a first word shaped like an id but made only
   * of letters ("reject because ...") is taken as the id only when it is one of these. Without the list, shape decides.
   */
  knownIds?: Iterable<string>;
  /** Ring names of those rollouts: after `reject <id>`, a first word that is one of these names the ring. */
  knownRings?: Iterable<string>;
}

/** Parses the `text` of an activity (HTML, with the mention) into a command, or a sentence plus the help text. */
export function parseCommand(text: string, options: ParseOptions): CommandParse {
  const words = messageWords(text).split(' ').filter((word) => word !== '');
  const [first, ...rest] = words;
  if (first === undefined) return refuse('The message has no command.');
  const verb = first.toLowerCase();
  if (!isVerb(verb)) return refuse(`"${shorten(first)}" is not a command.`);
  if (verb === 'help') return { ok: true, command: { verb } };
  if (verb === 'reject') return parseReject(rest, options);

  const [idWord, ...extra] = rest;
  const [ringWord, ...beyond] = extra;
  if (verb === 'approve' && ringWord !== undefined && beyond.length === 0 && idWord !== undefined && options.idPattern.test(idWord)) {
    return { ok: true, command: { verb, rolloutId: idWord.toLowerCase(), ring: ringWord } };
  }
  if (extra.length > 0) {
    const takes = verb === 'approve' ? 'a rollout id and a ring' : 'a rollout id';
    return refuse(`${verb} takes at most ${takes}, but was followed by "${shorten(rest.join(' '))}".`);
  }
  if (idWord === undefined) return { ok: true, command: { verb } };
  if (!options.idPattern.test(idWord)) return refuse(notAnId(idWord));
  return { ok: true, command: { verb, rolloutId: idWord.toLowerCase() } };
}

function parseReject(rest: string[], options: ParseOptions): CommandParse {
  const [maybeId, ...afterId] = rest;
  const takesId = maybeId !== undefined && options.idPattern.test(maybeId) && looksLikeId(maybeId, options.knownIds);
  const afterIdWords = takesId ? afterId : rest;
  const [maybeRing, ...afterRing] = afterIdWords;
  const ring = takesId && maybeRing !== undefined && isKnown(maybeRing, options.knownRings) ? maybeRing : undefined;
  const reason = (ring === undefined ? afterIdWords : afterRing).join(' ');
  if (reason.length > MAX_REASON_LENGTH) return refuse(`The reason is ${reason.length} characters long; keep it under ${MAX_REASON_LENGTH}.`);
  const command: RolloutCommand = { verb: 'reject' };
  if (takesId) command.rolloutId = maybeId.toLowerCase();
  if (ring !== undefined) command.ring = ring;
  if (reason !== '') command.reason = reason;
  return { ok: true, command };
}

function looksLikeId(word: string, knownIds: Iterable<string> | undefined): boolean {
  return knownIds === undefined || /[0-9]/.test(word) || isKnown(word, knownIds);
}

function isKnown(word: string, known: Iterable<string> | undefined): boolean {
  if (known === undefined) return false;
  const lower = word.toLowerCase();
  for (const name of known) if (name.toLowerCase() === lower) return true;
  return false;
}

export interface RolloutCandidate {
  id: string;
  status: string;
  feature: string;
}

export type RolloutIdResolution = { ok: true; id: string } | { ok: false; message: string };

export interface ResolveOptions {
  /** The statuses the command applies to (decided by the orchestration); when set, other rollouts are not meant. */
  statuses?: readonly string[];
  /** The verb, to word the answer ("say which, e.g. approve r7k2m9xq"). */
  verb?: TargetedVerb;
}

/** Which rollout a command means: the named one, or the only one it could mean; otherwise a sentence saying why not. */
export function resolveRolloutId(parsedId: string | undefined, candidates: readonly RolloutCandidate[], options: ResolveOptions = {}): RolloutIdResolution {
  const { statuses } = options;
  const applies = (c: RolloutCandidate): boolean => statuses === undefined || statuses.includes(c.status);
  const wanted = statuses === undefined ? 'active' : statuses.map(describeStatus).join(' or ');

  if (parsedId !== undefined) {
    const id = parsedId.toLowerCase();
    const named = candidates.find((c) => c.id.toLowerCase() === id);
    if (named === undefined) return { ok: false, message: `There is no rollout ${id}.${listOthers(candidates.filter(applies), wanted)}` };
    if (!applies(named)) {
      return { ok: false, message: `Rollout ${named.id} is ${describeStatus(named.status)}; ${options.verb ?? 'this command'} applies only to a rollout that is ${wanted}.` };
    }
    return { ok: true, id: named.id };
  }

  const meant = candidates.filter(applies);
  const [only, ...others] = meant;
  if (only === undefined) return { ok: false, message: `No rollout is ${wanted}.` };
  if (others.length === 0) return { ok: true, id: only.id };
  const example = options.verb === undefined ? '' : ` e.g. "${options.verb} ${only.id}"`;
  return { ok: false, message: `${meant.length} rollouts are ${wanted}: ${meant.map(describe).join(', ')}; say which,${example || ' by its id'}.` };
}

const STATUS_WORDS: Readonly<Record<string, string>> = {
  Pending: 'starting',
  Running: 'running',
  AwaitingApproval: 'waiting for approval',
  Paused: 'paused',
  Completed: 'completed',
  RolledBack: 'rolled back',
  Failed: 'failed',
};

function describeStatus(status: string): string {
  return STATUS_WORDS[status] ?? `in status ${status}`;
}

function describe(candidate: RolloutCandidate): string {
  return `${candidate.id} (${candidate.feature}, ${describeStatus(candidate.status)})`;
}

function listOthers(meant: RolloutCandidate[], wanted: string): string {
  return meant.length === 0 ? ` No rollout is ${wanted}.` : ` Rollouts ${wanted}: ${meant.map(describe).join(', ')}.`;
}

function isVerb(word: string): word is Verb {
  return (VERBS as readonly string[]).includes(word);
}

function notAnId(word: string): string {
  return `"${shorten(word)}" is not a rollout id: an id is 6 to 12 letters and digits, like r7k2m9xq.`;
}

function refuse(sentence: string): CommandParse {
  return { ok: false, message: `${sentence}\n${HELP_TEXT}` };
}

/** Echoes user input back without letting a long paste flood the reply. */
function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}
