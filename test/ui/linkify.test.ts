import { describe, expect, it } from 'vitest';
import { linkify, type TextSegment } from '../../src/ui/linkify.ts';

const urls = (text: string) =>
  linkify(text)
    .filter((s) => s.kind === 'url')
    .map((s) => s.text);
const joined = (segments: TextSegment[]) => segments.map((s) => s.text).join('');

describe('linkify', () => {
  it('splits text around an http(s) URL, keeping every character', () => {
    const text = 'see https://example.com/a?b=1&c=2#d and http://x.example too';
    expect(linkify(text)).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'url', text: 'https://example.com/a?b=1&c=2#d' },
      { kind: 'text', text: ' and ' },
      { kind: 'url', text: 'http://x.example' },
      { kind: 'text', text: ' too' },
    ]);
    expect(joined(linkify(text))).toBe(text);
  });

  it('gives plain text as one segment, and nothing for an empty text', () => {
    expect(linkify('hello, world')).toEqual([{ kind: 'text', text: 'hello, world' }]);
    expect(linkify('')).toEqual([]);
  });

  it('gives a URL alone as one segment', () => {
    expect(linkify('https://example.com')).toEqual([{ kind: 'url', text: 'https://example.com' }]);
  });

  it('links hosts in any script, IP addresses and ports', () => {
    expect(urls('http://127.0.0.1:8787/x http://[::1]:5173/ https://bücher.example/ü')).toEqual([
      'http://127.0.0.1:8787/x',
      'http://[::1]:5173/',
      'https://bücher.example/ü',
    ]);
  });

  it.each([
    ['https://example.com.', 'https://example.com'],
    ['https://example.com/path,', 'https://example.com/path'],
    ['(https://example.com/x)', 'https://example.com/x'],
    ['look: https://example.com/x!?', 'https://example.com/x'],
    ['"https://example.com/q"', 'https://example.com/q'],
    ["'https://example.com/q';", 'https://example.com/q'],
    ['[https://example.com/q]', 'https://example.com/q'],
    ['https://example.com/a.b', 'https://example.com/a.b'],
    ['https://en.wikipedia.org/wiki/Foo_(bar)', 'https://en.wikipedia.org/wiki/Foo_(bar)'],
    ['(see https://en.wikipedia.org/wiki/Foo_(bar)).', 'https://en.wikipedia.org/wiki/Foo_(bar)'],
    ['HTTPS://EXAMPLE.COM/UP', 'HTTPS://EXAMPLE.COM/UP'],
    ['<https://example.com/x>', 'https://example.com/x'],
  ])('leaves trailing punctuation out of the URL in %j', (text, url) => {
    expect(urls(text)).toEqual([url]);
    expect(joined(linkify(text))).toBe(text);
  });

  it.each([
    'javascript:alert(1)',
    'JavaScript://%0aalert(1)',
    'data:text/html,<b>x</b>',
    'ftp://example.com/file',
    'mailto:bob@example.com',
    'www.example.com',
    'example.com/path',
    'http://',
    'https://.',
    'xhttps://example.com',
    'file:///etc/passwd',
  ])('links nothing in %j', (text) => {
    expect(linkify(text)).toEqual([{ kind: 'text', text }]);
  });

  it('does not carry a javascript: URL hidden after an http one', () => {
    expect(urls('https://a.example/"javascript:alert(1)')).toEqual(['https://a.example/']);
  });

  it('ends a URL at a bidi control, so no link holds one (and the text keeps every character)', () => {
    for (const control of [
      '\u202e',
      '\u202d',
      '\u202a',
      '\u2066',
      '\u2067',
      '\u2068',
      '\u2069',
      '\u200f',
      '\u200e',
      '\u061c',
    ]) {
      const text = `pay at https://a.example/x${control}nigol/moc.lapyap//:sptth`;
      expect(urls(text)).toEqual(['https://a.example/x']);
      expect(joined(linkify(text))).toBe(text);
    }
  });

  it('treats markup as text', () => {
    const text = '<a href="https://evil.example">click</a> <img src=x onerror=alert(1)>';
    expect(urls(text)).toEqual(['https://evil.example']);
    expect(joined(linkify(text))).toBe(text);
  });

  it('stops a URL at whitespace of any kind', () => {
    expect(urls('https://a.example/x\nhttps://b.example/y\thttps://c.example/z\u00a0end')).toEqual([
      'https://a.example/x',
      'https://b.example/y',
      'https://c.example/z',
    ]);
  });

  it('handles very long text quickly, with or without URLs', () => {
    const words = 'lorem ipsum https://example.com/some/path?q=1, dolor (sit) amet. '.repeat(2_000);
    const brackets = `https://example.com/${')'.repeat(50_000)}`;
    const noSpace = `https://example.com/${'a'.repeat(200_000)}`;
    const started = performance.now();
    expect(urls(words)).toHaveLength(2_000);
    expect(urls(brackets)).toEqual(['https://example.com/']);
    expect(urls(noSpace)[0]).toHaveLength(noSpace.length);
    expect(urls('x'.repeat(200_000))).toEqual([]);
    // Generous: linear work takes tens of milliseconds here; quadratic work would take many seconds.
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
