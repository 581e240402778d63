// @vitest-environment node
import { describe, expect, it } from 'vitest';
import * as v from '../../src/protocol/validate.ts';

/** What `parse` answers for `input`: its value, or its issues as `path: message`. */
function run(schema: v.Schema<unknown>, input: unknown): unknown {
  const parsed = v.parse(schema, input);
  return parsed.ok ? { value: parsed.value } : parsed.error.map(named);
}
const named = ({ path, message }: v.Issue) => (path ? `${path}: ${message}` : message);

describe('string', () => {
  it('takes a string as it is, empty or not', () => {
    expect(run(v.string(), '')).toEqual({ value: '' });
    expect(run(v.string(), ' hi ')).toEqual({ value: ' hi ' });
  });

  it('refuses anything else, in its own words when given some', () => {
    expect(run(v.string(), 1)).toEqual(['expected a string']);
    expect(run(v.string(), new String('boxed'))).toEqual(['expected a string']);
    expect(run(v.string('nonce must be a string'), null)).toEqual(['nonce must be a string']);
  });
});

describe('number', () => {
  it('takes a finite number, -0 and fractions included', () => {
    expect(run(v.number(), 2.5)).toEqual({ value: 2.5 });
    expect(run(v.number(), -0)).toEqual({ value: -0 });
  });

  it('refuses NaN, infinities and numbers in strings', () => {
    for (const input of [NaN, Infinity, -Infinity, '1', 1n])
      expect(run(v.number(), input)).toEqual(['expected a number']);
  });
});

describe('boolean', () => {
  it('takes true and false only', () => {
    expect(run(v.boolean(), false)).toEqual({ value: false });
    expect(run(v.boolean(), 0)).toEqual(['expected true or false']);
    expect(run(v.boolean(), 'true')).toEqual(['expected true or false']);
  });
});

describe('unknown', () => {
  it('takes anything as it is', () => {
    const input = { nested: [NaN] };
    expect(v.parse(v.unknown(), input)).toEqual({ ok: true, value: input });
    expect(run(v.unknown(), undefined)).toEqual({ value: undefined });
  });
});

describe('literal', () => {
  it('takes that one value and names it when refusing', () => {
    expect(run(v.literal('2.0'), '2.0')).toEqual({ value: '2.0' });
    expect(run(v.literal('2.0'), 2)).toEqual(['expected "2.0"']);
    expect(run(v.literal(null), undefined)).toEqual(['expected null']);
  });
});

describe('picklist', () => {
  it('takes one of its values and lists them when refusing', () => {
    const state = v.picklist(['sending', 'failed']);
    expect(run(state, 'failed')).toEqual({ value: 'failed' });
    expect(run(state, 'Failed')).toEqual(['expected one of "sending", "failed"']);
    expect(run(state, ['sending'])).toEqual(['expected one of "sending", "failed"']);
  });
});

describe('check', () => {
  const even = v.check(v.number(), (n) => n % 2 === 0, 'must be even');

  it('answers the value when the test holds, its message when not', () => {
    expect(run(even, 4)).toEqual({ value: 4 });
    expect(run(even, 3)).toEqual(['must be even']);
  });

  it('does not test a value its schema refused: one issue, the first', () => {
    expect(run(even, 'four')).toEqual(['expected a number']);
  });

  it('tests each value once, valid or not', () => {
    let tests = 0;
    const counted = v.check(v.string(), () => (tests++, true), 'never');
    expect(run(v.object({ a: counted, b: v.number() }), { a: 'x', b: 'y' })).toEqual([
      'b: expected a number',
    ]);
    expect(tests).toBe(1);
  });
});

describe('map', () => {
  const trimmed = v.map(v.string(), (s) => s.trim());

  it('answers the changed value', () => {
    expect(run(trimmed, '  hi ')).toEqual({ value: 'hi' });
  });

  it('does not change what its schema refused', () => {
    let changes = 0;
    const counted = v.map(v.string(), () => changes++);
    expect(run(counted, 7)).toEqual(['expected a string']);
    expect(changes).toBe(0);
  });
});

describe('sized', () => {
  it('takes strings and lists from min to max long', () => {
    expect(run(v.sized(v.string(), 1, 3), 'abc')).toEqual({ value: 'abc' });
    expect(run(v.sized(v.array(v.number()), 0, 2), [])).toEqual({ value: [] });
  });

  it('says "must not be empty" below a minimum of one, the numbers otherwise', () => {
    expect(run(v.sized(v.string(), 1, 3), '')).toEqual(['must not be empty']);
    expect(run(v.sized(v.string(), 3, 100), 'ab')).toEqual(['must have at least 3']);
    expect(run(v.sized(v.string(), 1, 3), 'abcd')).toEqual(['must have at most 3']);
  });

  it('says what it is given to say', () => {
    const keys = v.sized(v.array(v.string()), 2, 3, 'at least 2', 'at most 3');
    expect(run(keys, ['a'])).toEqual(['at least 2']);
    expect(run(keys, ['a', 'b', 'c', 'd'])).toEqual(['at most 3']);
  });

  it('measures strings in UTF-16 code units', () => {
    expect(run(v.sized(v.string(), 1, 1), '👋')).toEqual(['must have at most 1']);
  });

  it('does not measure what its schema refused', () => {
    expect(run(v.sized(v.string(), 1, 3), { length: 2 })).toEqual(['expected a string']);
  });
});

describe('integer', () => {
  it('takes whole numbers from 0 to 2^53 - 1 by default', () => {
    expect(run(v.integer(), 0)).toEqual({ value: 0 });
    expect(run(v.integer(), Number.MAX_SAFE_INTEGER)).toEqual({ value: Number.MAX_SAFE_INTEGER });
    for (const input of [-1, 0.5, 2 ** 53, 1e300])
      expect(run(v.integer(), input)).toEqual([
        'expected a whole number from 0 to 9007199254740991',
      ]);
  });

  it('keeps to its bounds and names them', () => {
    expect(run(v.integer(1, 200), 200)).toEqual({ value: 200 });
    expect(run(v.integer(1, 200), 201)).toEqual(['expected a whole number from 1 to 200']);
    expect(run(v.integer(1, 200), 0)).toEqual(['expected a whole number from 1 to 200']);
  });

  it('refuses what is not a number as a number', () => {
    expect(run(v.integer(), '1')).toEqual(['expected a number']);
    expect(run(v.integer(), NaN)).toEqual(['expected a number']);
  });
});

describe('optional', () => {
  const shape = v.object({ limit: v.optional(v.integer(1, 10)) });

  it('lets an object field be absent or undefined, and leaves it out', () => {
    expect(v.parse(shape, {})).toStrictEqual({ ok: true, value: {} });
    expect(v.parse(shape, { limit: undefined })).toStrictEqual({ ok: true, value: {} });
  });

  it('checks the field when present, null included', () => {
    expect(run(shape, { limit: 3 })).toEqual({ value: { limit: 3 } });
    expect(run(shape, { limit: 11 })).toEqual(['limit: expected a whole number from 1 to 10']);
    expect(run(shape, { limit: null })).toEqual(['limit: expected a number']);
  });
});

describe('nullish', () => {
  const shape = v.object({ seq: v.nullish(v.integer()) });

  it('lets an object field be absent, undefined or null, and leaves it out', () => {
    for (const input of [{}, { seq: undefined }, { seq: null }])
      expect(v.parse(shape, input)).toStrictEqual({ ok: true, value: {} });
  });

  it('checks the field when it has a value', () => {
    expect(run(shape, { seq: 7 })).toEqual({ value: { seq: 7 } });
    expect(run(shape, { seq: 'seven' })).toEqual(['seq: expected a number']);
  });
});

describe('array', () => {
  const keys = v.array(v.sized(v.string(), 1, 8));

  it('answers a new list of the checked items', () => {
    const input = ['alice', 'bob'];
    const parsed = v.parse(keys, input);
    expect(parsed).toEqual({ ok: true, value: ['alice', 'bob'] });
    expect(parsed.ok && parsed.value).not.toBe(input);
  });

  it('names each wrong item by its index, every one of them', () => {
    expect(run(keys, ['alice', 7, '', 'bob'])).toEqual([
      '1: expected a string',
      '2: must not be empty',
    ]);
  });

  it('checks the holes of a sparse list too, as a structured clone may hand one over', () => {
    const sparse: unknown[] = Object.assign([], { 1: 'bob' });
    expect(run(keys, sparse)).toEqual(['0: expected a string']);
    expect(v.parse(v.array(v.unknown()), structuredClone(sparse))).toStrictEqual({
      ok: true,
      value: [undefined, 'bob'],
    });
  });

  it('refuses what is not a list, an array-like object included', () => {
    expect(run(keys, 'alice')).toEqual(['expected a list']);
    expect(run(keys, { length: 0 })).toEqual(['expected a list']);
  });
});

describe('object', () => {
  const contact = v.object({ public_key: v.string(), name: v.string() });

  it('answers a new object with its own fields only', () => {
    expect(
      v.parse(contact, { public_key: 'k', name: 'Ann', extra: 1, ['__proto__']: { x: 1 } }),
    ).toStrictEqual({ ok: true, value: { public_key: 'k', name: 'Ann' } });
  });

  it('does not take a field from a key named __proto__ or from the prototype', () => {
    const hostile = JSON.parse('{"__proto__": {"public_key": "k", "name": "Ann"}}');
    expect(run(contact, hostile)).toEqual(['public_key: is required', 'name: is required']);
    const value = v.parse(contact, { public_key: 'k', name: 'Ann' });
    expect(value.ok && Object.getPrototypeOf(value.value)).toBe(Object.prototype);
  });

  it('names each missing or wrong field, nested fields by their dotted path', () => {
    const page = v.object({ sid: v.string(), before: v.object({ at: v.integer() }) });
    expect(run(page, { before: { at: -1 } })).toEqual([
      'sid: is required',
      'before.at: expected a whole number from 0 to 9007199254740991',
    ]);
    expect(run(v.object({ rows: v.array(contact) }), { rows: [{ public_key: 'k' }] })).toEqual([
      'rows.0.name: is required',
    ]);
  });

  it('refuses null, lists and what is not an object', () => {
    for (const input of [null, [], 'x', 1, undefined])
      expect(run(contact, input)).toEqual(['expected an object']);
  });
});

describe('variant', () => {
  const failure = v.variant<{ why: 'closed' } | { why: 'trouble'; status: number }>('why', {
    closed: v.object({ why: v.literal('closed') }),
    trouble: v.object({ why: v.literal('trouble'), status: v.integer(100, 599) }),
  });

  it('checks the object by the variant its tag names', () => {
    expect(run(failure, { why: 'closed', status: 'ignored' })).toEqual({
      value: { why: 'closed' },
    });
    expect(run(failure, { why: 'trouble', status: 503 })).toEqual({
      value: { why: 'trouble', status: 503 },
    });
    expect(run(failure, { why: 'trouble' })).toEqual(['status: is required']);
  });

  it('names the tag and its values when the tag is none of them', () => {
    for (const input of [{ why: 'bored' }, { why: 'toString' }, { why: '__proto__' }, {}, null, 7])
      expect(run(failure, input)).toEqual(['why: expected one of closed, trouble']);
  });
});

describe('parse', () => {
  it('answers ok and the value, or not ok and every issue, without throwing', () => {
    expect(v.parse(v.array(v.number()), [1])).toEqual({ ok: true, value: [1] });
    expect(v.parse(v.array(v.number()), ['a', 'b'])).toEqual({
      ok: false,
      error: [
        { path: '0', message: 'expected a number' },
        { path: '1', message: 'expected a number' },
      ],
    });
  });

  it('answers the same for the same input, time after time', () => {
    const schema = v.object({ a: v.array(v.object({ b: v.string() })) });
    const input = { a: [{ b: 1 }] };
    expect(v.parse(schema, input)).toEqual(v.parse(schema, input));
    expect(run(schema, input)).toEqual(['a.0.b: expected a string']);
  });
});

describe('describeIssues', () => {
  it('joins the first three issues, each after its path', () => {
    const issues = [
      { path: '', message: 'expected either "result" or "error"' },
      { path: 'content', message: 'content is empty' },
      { path: 'a.0', message: 'is required' },
      { path: 'b', message: 'not shown' },
    ];
    expect(v.describeIssues(issues)).toBe(
      'expected either "result" or "error"; content: content is empty; a.0: is required',
    );
  });

  it('says nothing of no issues', () => {
    expect(v.describeIssues([])).toBe('');
  });
});
