import { messageWords, stripControlCharacters } from '../../src/teams/plain-text';

describe('the words of a Teams message', () => {
  it('drops every mention with its content, wherever it is', () => {
    expect(messageWords('<at>Rollout</at> status <at>Megan Bowen</at> r7k2m9xq')).toBe('status r7k2m9xq');
  });

  it('keeps escaped markup as the person typed it instead of treating it as a tag', () => {
    expect(messageWords('reject r7k2m9xq &lt;b&gt;not yet&lt;/b&gt;')).toBe('reject r7k2m9xq <b>not yet</b>');
  });

  it('decodes numeric entities and non-breaking spaces', () => {
    expect(messageWords('approve&#160;r7k2m9xq&nbsp;&#x2713;')).toBe('approve r7k2m9xq \u2713');
  });

  it('turns paragraphs and line breaks into spaces between words', () => {
    expect(messageWords('<p>reject r7k2m9xq</p><p>too<br/>early</p>')).toBe('reject r7k2m9xq too early');
  });
});

describe('control characters', () => {
  it('removes control, bidi-override and zero-width characters but keeps line feeds', () => {
    expect(stripControlCharacters('a\u0000b\u001b[0m\u202ec\u200bd\r\ne\tf')).toBe('ab[0mcd\ne f');
  });
});
