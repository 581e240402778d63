// @vitest-environment node
import fc from 'fast-check';
import * as vb from 'valibot';
import { describe, expect, it } from 'vitest';
import { ServerEventSchema } from '../../src/protocol/events.ts';
import { RpcResponseSchema } from '../../src/protocol/rpc.ts';
import * as wire from '../../src/protocol/schemas.ts';
import * as v from '../../src/protocol/validate.ts';

// The contract's schemas written again in valibot, a well-kept validator, as the oracle: for any
// input, ours and valibot's accept the same, answer the same value and name the same places.
// Where our validator means something else than valibot by design, the mirror says it in valibot:
//
// - A number is finite: valibot's `number` takes ±Infinity, which no JSON carries; ours does not.
// - A list is not an object: valibot's `object` takes an array; ours wants a record.
// - What is not an object has no tag: given `null` or a string, ours names a variant's tag
//   (`type: expected one of …`) where valibot names the whole input: the mirror hands valibot `{}`.
// - A field without a value is left out of the answer: valibot's `optional` and `nullish` write
//   `key: undefined` or `key: null` when the input has the key; ours answers no such key, so the
//   caller tests one thing (`'seq' in m` or `m.seq === undefined` agree).

/** Our `object` in valibot: not a list, and fields without a value left out. */
const object = <E extends vb.ObjectEntries>(entries: E) =>
  vb.pipe(
    vb.custom<object>((input) => !Array.isArray(input)),
    vb.object(entries),
    vb.transform(
      (value) =>
        Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as {
          [K in keyof typeof value]: Exclude<(typeof value)[K], undefined>;
        },
    ),
  );
/** Our `nullish`: `null` counts as absent. */
const nullish = <S extends vb.GenericSchema>(schema: S) =>
  vb.optional(
    vb.pipe(
      vb.nullable(schema),
      vb.transform((value) => value ?? undefined),
    ),
  );
const number = () => vb.pipe(vb.number(), vb.finite());
const integer = (min = 0, max = Number.MAX_SAFE_INTEGER) =>
  vb.pipe(number(), vb.safeInteger(), vb.minValue(min), vb.maxValue(max));
const text = (max: number) => vb.pipe(vb.string(), vb.minLength(1), vb.maxLength(max));
const time = () => vb.pipe(number(), vb.minValue(0));

const Sid = text(128);
const PublicKey = text(256);
const Seq = integer();
const Receipt = object({
  reader_key: PublicKey,
  message_sid: Sid,
  message_seq: Seq,
  read_at: time(),
});
const Conversation = object({
  sid: Sid,
  name: vb.pipe(vb.string(), vb.maxLength(wire.LIMITS.nameMax)),
  participant_keys: vb.array(PublicKey),
  last_message: nullish(vb.string()),
  last_message_time: nullish(time()),
  unread_count: nullish(integer()),
  created_at: time(),
  seq: nullish(Seq),
  read_by: nullish(vb.array(Receipt)),
});
const ChatMessage = object({
  sid: Sid,
  conversation_sid: Sid,
  sender_public_key: PublicKey,
  content: vb.string(),
  created_at: time(),
  nonce: nullish(vb.pipe(vb.string(), vb.maxLength(wire.LIMITS.nonceMax))),
  seq: nullish(Seq),
  edited_at: nullish(time()),
  deleted: nullish(vb.boolean()),
  updated_seq: nullish(Seq),
});
const Contact = object({ public_key: PublicKey, name: vb.string() });
const Content = vb.pipe(
  vb.string(),
  vb.trim(),
  // What counts as blank is the contract's own list of invisible characters, not valibot's to say.
  vb.check((s) => !wire.isBlankContent(s)),
  vb.minLength(wire.LIMITS.contentMin),
  vb.maxLength(wire.LIMITS.contentMax),
);
const Nonce = text(wire.LIMITS.nonceMax);

const PAYLOADS = {
  ready: object({
    cursor: vb.pipe(vb.string(), vb.minLength(3), vb.maxLength(100)),
    heartbeat_ms: integer(1),
  }),
  'chatmessage.new': ChatMessage,
  'chatmessage.updated': ChatMessage,
  'conversation.updated': Conversation,
  'conversation.read': object({ sid: Sid, reader_key: PublicKey, seq: Seq }),
  'conversation.seen': object({ sid: Sid, receipt: Receipt, seq: Seq }),
  'conversation.typing': object({ sid: Sid, key: PublicKey }),
  resync: object({ reason: vb.optional(vb.string()) }),
};
const ServerEvent = vb.pipe(
  vb.unknown(),
  vb.transform((input) => (typeof input === 'object' && input !== null ? input : {})),
  vb.variant(
    'type',
    Object.entries(PAYLOADS).map(([type, data]) => vb.object({ type: vb.literal(type), data })),
  ),
);
const RpcResponse = vb.pipe(
  object({
    jsonrpc: vb.literal('2.0'),
    id: vb.union([vb.null(), vb.string(), vb.pipe(vb.number(), vb.safeInteger())]),
    result: vb.optional(vb.unknown()),
    error: vb.optional(
      object({
        code: integer(-Number.MAX_SAFE_INTEGER),
        message: vb.string(),
        data: vb.optional(vb.unknown()),
      }),
    ),
  }),
  vb.check((response) => 'result' in response !== 'error' in response),
);

// Inputs: values of the schema, and the same with something hostile put anywhere in them.

/** A field left out of an object. */
const ABSENT = Symbol('absent');
const longText = fc.integer({ min: 0, max: 20 }).map((n) => 'x'.repeat(4000 - 10 + n));
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    ...[NaN, -0, Infinity, -Infinity, 2 ** 53, -(2 ** 53), Number.MAX_VALUE, 1e-300, -1, 0.5],
    ...['', ' ', '\u200B', ' \n\t', 'x'.repeat(100_000), '__proto__'],
    ...[null, undefined, true, false, 0n, [], {}, [[[]]], Object.create(null)],
    // A sparse list, `[, 'a']`, as a structured clone keeps it.
    Object.assign([], { 1: 'a' }),
  ),
  fc.anything({
    maxDepth: 3,
    key: fc.constantFrom('__proto__', 'constructor', 'toString', 'sid', 'type', 'length', '0'),
    withBoxedValues: true,
    withNullPrototype: true,
    withSparseArray: true,
    withBigInt: true,
    withDate: true,
    withMap: true,
  }),
);
/** `valid` most of the time, now and then something hostile instead. */
const near = (valid: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 20, arbitrary: valid }, { weight: 1, arbitrary: hostile });
/** An optional field: present, `null`, or left out. */
const maybe = (valid: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 3, arbitrary: valid }, fc.constant(null), fc.constant(ABSENT));

/**
 * An object of these fields, a field now and then left out, and now and then an extra key
 * (`__proto__` among them) written as an own property over whatever was there.
 */
const record = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc
    .tuple(
      fc.record(
        Object.fromEntries(
          Object.entries(fields).map(([key, field]) => [
            key,
            fc.oneof({ weight: 20, arbitrary: field }, fc.constant(ABSENT)),
          ]),
        ),
      ),
      fc.oneof(
        { weight: 4, arbitrary: fc.constant([]) },
        fc.array(
          fc.tuple(
            fc.oneof(
              fc.constantFrom('__proto__', 'constructor', 'toString', 'extra'),
              fc.constantFrom(...Object.keys(fields)),
            ),
            hostile,
          ),
          { minLength: 1, maxLength: 2 },
        ),
      ),
    )
    .map(([values, extras]) => {
      const input: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(values)) if (value !== ABSENT) input[key] = value;
      for (const [key, value] of extras)
        Object.defineProperty(input, key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      return input;
    });

const unit = fc.constantFrom('a', 'Z', ' ', '\n', '\u200B', '\u00A0', 'é', '👋', '\0');
const anyText = fc.string({ unit, maxLength: 12 });
const someText = (max: number) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.string({ unit, minLength: 1, maxLength: Math.min(max, 12) }) },
    { weight: 1, arbitrary: fc.integer({ min: max - 2, max: max + 2 }).map((n) => 'k'.repeat(n)) },
  );
const time$ = fc.oneof(
  fc.double({ min: 0, max: 4e12, noNaN: true }),
  fc.constantFrom(0, -0, Number.MAX_VALUE, 1_700_000_000),
);
const seq$ = fc.oneof(fc.nat(), fc.constantFrom(0, -0, Number.MAX_SAFE_INTEGER));
const sid$ = near(someText(128));
const key$ = near(someText(256));

const receipt$ = record({
  reader_key: key$,
  message_sid: sid$,
  message_seq: near(seq$),
  read_at: near(time$),
});
const conversation$ = record({
  sid: sid$,
  name: near(
    fc.oneof(
      anyText,
      fc.integer({ min: 198, max: 202 }).map((n) => 'n'.repeat(n)),
    ),
  ),
  participant_keys: near(fc.array(key$, { maxLength: 4 })),
  last_message: near(maybe(anyText)),
  last_message_time: near(maybe(time$)),
  unread_count: near(maybe(seq$)),
  created_at: near(time$),
  seq: near(maybe(seq$)),
  read_by: near(maybe(fc.array(receipt$, { maxLength: 3 }))),
});
const message$ = record({
  sid: sid$,
  conversation_sid: sid$,
  sender_public_key: key$,
  content: near(fc.oneof(anyText, longText)),
  created_at: near(time$),
  nonce: near(maybe(fc.oneof(anyText, someText(64)))),
  seq: near(maybe(seq$)),
  edited_at: near(maybe(time$)),
  deleted: near(maybe(fc.boolean())),
  updated_seq: near(maybe(seq$)),
});
const contact$ = record({ public_key: key$, name: near(anyText) });
const content$ = near(
  fc.oneof(
    anyText,
    fc
      .tuple(fc.string({ unit: fc.constantFrom(' ', '\n', '\t'), maxLength: 3 }), longText)
      .map(([pad, long]) => pad + long + pad),
  ),
);

const types = Object.keys(PAYLOADS);
const payloads: Record<string, fc.Arbitrary<unknown>> = {
  ready: record({
    cursor: near(fc.oneof(fc.string({ unit, maxLength: 4 }), someText(100))),
    heartbeat_ms: near(fc.oneof(fc.nat(), fc.constantFrom(1, 0, -0))),
  }),
  'chatmessage.new': message$,
  'chatmessage.updated': message$,
  'conversation.updated': conversation$,
  'conversation.read': record({ sid: sid$, reader_key: key$, seq: near(seq$) }),
  'conversation.seen': record({ sid: sid$, receipt: near(receipt$), seq: near(seq$) }),
  'conversation.typing': record({ sid: sid$, key: key$ }),
  resync: record({ reason: near(anyText) }),
};
const event$ = fc.oneof(
  ...types.map((type) =>
    record({
      type: near(
        fc.oneof(
          { weight: 6, arbitrary: fc.constant(type) },
          fc.constantFrom(...types, 'toString', '__proto__'),
        ),
      ),
      data: near(payloads[type]!),
    }),
  ),
);
const envelope = {
  jsonrpc: near(fc.constant('2.0')),
  id: near(fc.oneof(fc.constant(null), anyText, fc.integer(), fc.constantFrom(-0, 2 ** 53, 0.5))),
};
const error$ = record({
  code: near(fc.integer({ min: -40000, max: 0 })),
  message: near(anyText),
  data: maybe(hostile),
});
/** A result, an error, or now and then both or neither. */
const response$ = fc.oneof(
  record({ ...envelope, result: hostile }),
  record({ ...envelope, error: near(error$) }),
  record({ ...envelope, result: maybe(hostile), error: maybe(error$) }),
);

/** What ours answers: the value, or the places it names. */
function ours(schema: v.Schema<unknown>, input: unknown) {
  const parsed = v.parse(schema, input);
  return parsed.ok
    ? { ok: true, value: parsed.value }
    : { ok: false, at: [...new Set(parsed.error.map((issue) => issue.path))] };
}
/** What valibot answers, in the same terms. */
function oracle(schema: vb.GenericSchema, input: unknown) {
  const parsed = vb.safeParse(schema, input);
  return parsed.success
    ? { ok: true, value: parsed.output }
    : { ok: false, at: [...new Set(parsed.issues.map((issue) => vb.getDotPath(issue) ?? ''))] };
}

const cases: [string, v.Schema<unknown>, vb.GenericSchema, fc.Arbitrary<unknown>][] = [
  ['a sid', wire.SidSchema, Sid, sid$],
  ['a public key', wire.PublicKeySchema, PublicKey, key$],
  ['a sequence number', wire.SeqSchema, Seq, near(seq$)],
  ['a read receipt', wire.ReceiptSchema, Receipt, near(receipt$)],
  ['a conversation', wire.ConversationSchema, Conversation, near(conversation$)],
  [
    'a list of conversations',
    v.array(wire.ConversationSchema),
    vb.array(Conversation),
    near(fc.array(conversation$, { maxLength: 4 })),
  ],
  ['a message', wire.ChatMessageSchema, ChatMessage, near(message$)],
  ['a contact', wire.ContactSchema, Contact, near(contact$)],
  ['message content', wire.ContentSchema, Content, content$],
  ['a nonce', wire.NonceSchema, Nonce, near(fc.oneof(anyText, someText(64)))],
  ['a server event', ServerEventSchema, ServerEvent, near(event$)],
  ['a JSON-RPC response', RpcResponseSchema, RpcResponse, near(response$)],
];

describe('the contract validator against valibot', () => {
  it.each(cases)('accepts and answers %s as valibot does', (_, schema, mirror, input) => {
    fc.assert(
      fc.property(input, (value) => {
        expect(ours(schema, value)).toStrictEqual(oracle(mirror, value));
      }),
      { numRuns: 1000 },
    );
  });

  it('is given valid values often: one input in five or more', () => {
    // Else the comparison of answered values above would prove little.
    const accepted = (schema: v.Schema<unknown>, input: fc.Arbitrary<unknown>) =>
      fc.sample(input, { numRuns: 1000, seed: 1 }).filter((x) => v.parse(schema, x).ok).length;
    expect(accepted(wire.ConversationSchema, near(conversation$))).toBeGreaterThan(200);
    expect(accepted(wire.ChatMessageSchema, near(message$))).toBeGreaterThan(200);
    expect(accepted(ServerEventSchema, near(event$))).toBeGreaterThan(200);
    expect(accepted(RpcResponseSchema, near(response$))).toBeGreaterThan(200);
  });
});
