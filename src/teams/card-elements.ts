import { stripControlCharacters } from './plain-text';

/**
 * The Adaptive Card 1.4 subset the notification cards use, and the envelope a Teams Workflows webhook expects. Only
 * `Action.OpenUrl`: a card posted by a Workflows webhook cannot send anything back (approvals come by the outgoing
 * webhook or the API).
 */

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
export const ADAPTIVE_CARD_VERSION = '1.4';
/** Long texts (a pasted reason, a Graph error) are cut so that a card stays well under the webhook's size limit. */
export const MAX_TEXT_LENGTH = 2000;

export type TextColor = 'default' | 'good' | 'warning' | 'attention' | 'accent';

export interface TextBlock {
  type: 'TextBlock';
  text: string;
  wrap: true;
  size?: 'small' | 'medium' | 'large';
  weight?: 'bolder';
  color?: TextColor;
  isSubtle?: boolean;
}

export interface Fact {
  title: string;
  value: string;
}

export interface FactSet {
  type: 'FactSet';
  facts: Fact[];
}

export type CardElement = TextBlock | FactSet;

export interface OpenUrlAction {
  type: 'Action.OpenUrl';
  title: string;
  url: string;
}

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  version: typeof ADAPTIVE_CARD_VERSION;
  body: CardElement[];
  actions: OpenUrlAction[];
  msteams: { width: 'Full' };
}

export interface CardMessage {
  type: 'message';
  attachments: [{ contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE; contentUrl: null; content: AdaptiveCard }];
}

export interface TextMessage {
  type: 'message';
  text: string;
}

export function plain(text: string): string {
  const clean = stripControlCharacters(text).trim();
  return clean.length > MAX_TEXT_LENGTH ? `${clean.slice(0, MAX_TEXT_LENGTH)}...` : clean;
}

export function title(text: string, color?: TextColor): TextBlock {
  const block: TextBlock = { type: 'TextBlock', text: plain(text), wrap: true, size: 'large', weight: 'bolder' };
  if (color !== undefined) block.color = color;
  return block;
}

export function heading(text: string): TextBlock {
  return { type: 'TextBlock', text: plain(text), wrap: true, size: 'medium', weight: 'bolder' };
}

export function paragraph(text: string, style: { color?: TextColor; weight?: 'bolder'; subtle?: boolean } = {}): TextBlock {
  const block: TextBlock = { type: 'TextBlock', text: plain(text), wrap: true };
  if (style.color !== undefined) block.color = style.color;
  if (style.weight !== undefined) block.weight = style.weight;
  if (style.subtle === true) block.isSubtle = true;
  return block;
}

/** A list as one text block, one line per item (Adaptive Cards 1.4 has no list element). */
export function bullets(items: readonly string[], color?: TextColor): TextBlock {
  // Each item is cut on its own; the list as a whole is bounded by its callers.
  const block: TextBlock = { type: 'TextBlock', text: items.map((item) => `- ${plain(item)}`).join('\n'), wrap: true };
  if (color !== undefined) block.color = color;
  return block;
}

/** Facts whose value is missing are left out rather than shown empty. */
export function facts(entries: ReadonlyArray<readonly [string, string | number | null | undefined]>): FactSet {
  const present: Fact[] = [];
  for (const [name, value] of entries) {
    if (value === undefined || value === null || value === '') continue;
    present.push({ title: plain(name), value: plain(String(value)) });
  }
  return { type: 'FactSet', facts: present };
}

/** An OpenUrl action for http(s) links only; anything else gives no action rather than a card Teams refuses. */
export function openUrl(label: string, url: string | undefined): OpenUrlAction[] {
  if (url === undefined) return [];
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return [];
    return [{ type: 'Action.OpenUrl', title: plain(label), url: parsed.toString() }];
  } catch {
    return [];
  }
}

export function cardMessage(body: CardElement[], actions: OpenUrlAction[] = []): CardMessage {
  return {
    type: 'message',
    attachments: [
      {
        contentType: ADAPTIVE_CARD_CONTENT_TYPE,
        contentUrl: null,
        content: {
          type: 'AdaptiveCard',
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          version: ADAPTIVE_CARD_VERSION,
          body: body.filter((element) => element.type !== 'FactSet' || element.facts.length > 0),
          actions,
          msteams: { width: 'Full' },
        },
      },
    ],
  };
}

/** The plain answer to an outgoing-webhook request (Teams shows it as the webhook's reply). */
export function textReply(text: string): TextMessage {
  return { type: 'message', text: plain(text) };
}
