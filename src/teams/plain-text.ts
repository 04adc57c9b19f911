/** Turning what people type in Teams, and what the product says, into safe plain text. */

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]/g;

/** Removes control, bidi and zero-width characters; keeps line feeds (cards show them as line breaks). */
export function stripControlCharacters(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/\t/g, ' ').replace(CONTROL, '');
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * The words of a Teams message: `<at>..</at>` mentions removed with their content, other tags dropped, entities
 * decoded, whitespace collapsed. Tags are removed before decoding so that an escaped `&lt;b&gt;` stays as typed.
 */
export function messageWords(html: string): string {
  const withoutTags = html
    .replace(/<at\b[^>]*>[\s\S]*?<\/at>/gi, ' ')
    .replace(/<br\s*\/?>|<\/(?:p|div|li)>/gi, '\n')
    .replace(/<[^>]*>/g, ' ');
  const decoded = withoutTags.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity: string, name: string) => {
    const lower = name.toLowerCase();
    if (lower.startsWith('#')) {
      const code = lower.startsWith('#x') ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
    }
    return NAMED_ENTITIES[lower] ?? entity;
  });
  return stripControlCharacters(decoded.replace(/\u00a0/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}
