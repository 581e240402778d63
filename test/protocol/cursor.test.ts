import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCursor, parseCursor } from '../../src/protocol/index.ts';

const epoch = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
const seq = fc.nat({ max: Number.MAX_SAFE_INTEGER });

describe('cursor', () => {
  it('round-trips every valid epoch and seq', () => {
    fc.assert(
      fc.property(epoch, seq, (e, s) => {
        expect(parseCursor(formatCursor({ epoch: e, seq: s }))).toEqual({
          ok: true,
          value: { epoch: e, seq: s },
        });
      }),
    );
  });

  it('never throws on arbitrary input and answers an error value for anything malformed', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.anything()), (input) => {
        const result = parseCursor(input);
        if (!result.ok) expect(result.error).toEqual(expect.any(String));
        else expect(formatCursor(result.value)).toBe(input);
      }),
    );
  });

  it.each([
    '',
    ':',
    'abc',
    'abc:',
    ':12',
    'a:b',
    'a:-1',
    'a:01',
    'a:1.5',
    'a b:1',
    'a:1:2',
    'a:99999999999999999',
  ])('rejects %j', (text) => {
    expect(parseCursor(text).ok).toBe(false);
  });
});
