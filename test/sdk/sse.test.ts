// @vitest-environment node
import { createParser } from 'eventsource-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeSseParser, type SseFrame } from '../../src/sdk/sse.ts';

function parse(pieces: string[], maxChars = 1_000_000) {
  const frames: SseFrame[] = [];
  let oversize = 0;
  const feed = makeSseParser(
    (frame) => frames.push({ ...frame }),
    () => oversize++,
    maxChars,
  );
  for (const piece of pieces) feed(piece);
  return { frames, oversize };
}

/** What eventsource-parser, a complete implementation of the format, makes of the same text. */
function reference(text: string): SseFrame[] {
  const frames: SseFrame[] = [];
  const parser = createParser({
    onEvent: ({ id, event, data }) =>
      frames.push({
        ...(id === undefined ? {} : { id }),
        ...(event === undefined ? {} : { event }),
        data,
      }),
  });
  parser.feed(text);
  return frames;
}

const value = fc.string({
  unit: fc.constantFrom('a', 'é', ' ', ':', '\0', '👋', 'x'),
  maxLength: 8,
});
const line = fc.oneof(
  value.map((s) => `data: ${s}`),
  value.map((s) => `data:${s}`),
  fc.constant('data'),
  fc.constantFrom('chatmessage.new', 'ready', '').map((s) => `event: ${s}`),
  value.map((s) => `id: ${s}`),
  value.map((s) => `:${s}`),
  fc.constantFrom('retry: 5', 'foo: bar', 'Data: no', ''),
);
const text = fc
  .array(fc.tuple(line, fc.constantFrom('\n', '\r\n', '\r')), { maxLength: 30 })
  .map((lines) => lines.map(([l, end]) => l + end).join(''));

/** `text` cut at the given places. */
const cut = (whole: string, at: number[]) => {
  const points = [...new Set(at.map((n) => n % (whole.length + 1)))].sort((a, b) => a - b);
  return [0, ...points].map((from, i) => whole.slice(from, points[i] ?? whole.length));
};

describe('the event-stream parser', () => {
  it('reads any text, cut anywhere, as a complete parser of the format does', () => {
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { maxLength: 10 }), (whole, at) => {
        // Both end on a blank line, so a frame that a final CR left open is handed on by both.
        const ended = `${whole}\n\n`;
        expect(parse(cut(ended, at)).frames).toEqual(reference(ended));
      }),
      { numRuns: 500 },
    );
  });

  it('takes a CRLF split between two pieces for one line end, not a blank line', () => {
    expect(parse(['data: a\r', '\ndata: b\r\n\r', '\n']).frames).toEqual([{ data: 'a\nb' }]);
  });

  it('hands on a frame at its blank line only if it had data, with its own id and event', () => {
    const { frames } = parse([
      ': keepalive\n\nid: e:1\n\nid: e:2\nevent: ready\ndata: {}\n\ndata: x\n\n',
    ]);
    expect(frames).toEqual([{ id: 'e:2', event: 'ready', data: '{}' }, { data: 'x' }]);
  });

  it('drops a frame larger than its limit whole, says so once, and reads the next', () => {
    const big = 'x'.repeat(40);
    const { frames, oversize } = parse(
      ['data: a\ndata: ', big, `${big}\ndata: `, `${big}\ndata: b\n`, '\ndata: next\n\n'],
      50,
    );
    expect(frames).toEqual([{ data: 'next' }]);
    expect(oversize).toBe(1);
  });

  it('does not take the end of a skipped line for a blank line', () => {
    const { frames } = parse(['data: ', 'y'.repeat(60), '\n', 'data: tail\n\ndata: ok\n\n'], 50);
    expect(frames).toEqual([{ data: 'ok' }]);
  });
});
