import { describe, expect, it } from 'vitest';
import { ContentSchema, isBlankContent, v } from '../../src/protocol/index.ts';

describe('message content', () => {
  it.each([
    ['zero-width space', '\u200B'],
    ['braille blank', '\u2800\u2800'],
    ['word joiner and spaces', ' \u2060 \u200D '],
    ['a lone variation selector', '\uFE0F'],
    ['Hangul filler', '\u3164'],
    ['byte order mark and no-break space', '\uFEFF\u00A0'],
    ['tag characters', '\u{E0041}\u{E0042}'],
  ])('counts %s as empty', (_, content) => {
    expect(isBlankContent(content)).toBe(true);
    const parsed = v.parse(ContentSchema, content);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(v.describeIssues(parsed.error)).toBe('content is empty');
  });

  it('trims white space and keeps invisible characters that sit beside visible ones', () => {
    expect(v.parse(ContentSchema, '  hi \n')).toEqual({ ok: true, value: 'hi' });
    expect(v.parse(ContentSchema, '\u200Bhi')).toEqual({ ok: true, value: '\u200Bhi' });
    expect(v.parse(ContentSchema, '❤️')).toEqual({ ok: true, value: '❤️' });
    expect(v.parse(ContentSchema, '👩‍💻')).toEqual({ ok: true, value: '👩‍💻' });
    expect(isBlankContent('.')).toBe(false);
  });

  it('counts length in UTF-16 code units after trimming', () => {
    expect(v.parse(ContentSchema, ` ${'x'.repeat(4000)} `).ok).toBe(true);
    expect(v.parse(ContentSchema, '😀'.repeat(2001)).ok).toBe(false);
  });
});
