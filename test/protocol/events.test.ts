import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEventData } from '../../src/protocol/index.ts';

const message = {
  sid: 'msg_1',
  conversation_sid: 'conv_1',
  sender_public_key: 'alice',
  content: 'hi',
  created_at: 1_700_000_000,
  nonce: 'n1',
  seq: 7,
};

describe('parseEventData', () => {
  it('accepts each event type of the contract', () => {
    const events = [
      { type: 'ready', data: { cursor: 'e1:0', heartbeat_ms: 15000 } },
      { type: 'chatmessage.new', data: message },
      {
        type: 'conversation.updated',
        data: {
          sid: 'conv_1',
          name: '',
          participant_keys: ['alice', 'bob'],
          last_message: 'hi',
          last_message_time: 1_700_000_000_000,
          unread_count: 1,
          created_at: 1_700_000_000,
          seq: 8,
        },
      },
      { type: 'conversation.read', data: { sid: 'conv_1', reader_key: 'bob', seq: 9 } },
      { type: 'resync', data: { reason: 'new epoch' } },
    ];
    for (const event of events) {
      expect(parseEventData(JSON.stringify(event), event.type)).toEqual({ ok: true, value: event });
    }
  });

  it('names the field that is wrong', () => {
    const result = parseEventData(
      JSON.stringify({ type: 'chatmessage.new', data: { ...message, seq: 'x' } }),
    );
    expect(result).toMatchObject({ ok: false, error: { kind: 'invalid_shape' } });
    expect(!result.ok && result.error.message).toContain('data.seq');
  });

  it('tells unknown types apart from bad frames', () => {
    expect(parseEventData('{"type":"typing.started","data":{}}')).toMatchObject({
      ok: false,
      error: { kind: 'unknown_type' },
    });
    expect(parseEventData('{not json')).toMatchObject({
      ok: false,
      error: { kind: 'invalid_json' },
    });
    expect(parseEventData('[1,2]')).toMatchObject({ ok: false, error: { kind: 'invalid_shape' } });
    expect(
      parseEventData(JSON.stringify({ type: 'resync', data: { reason: 'x' } }), 'ready'),
    ).toMatchObject({
      ok: false,
      error: { kind: 'type_mismatch' },
    });
  });

  it('never throws on arbitrary text or JSON, answering an error value with a message', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 2000 }),
          fc.json(),
          fc
            .record({
              type: fc.constantFrom('ready', 'chatmessage.new', 'conversation.read', 'resync'),
              data: fc.anything(),
            })
            .map((o) => JSON.stringify(o)),
        ),
        fc.option(fc.string(), { nil: undefined }),
        (data, eventName) => {
          const result = parseEventData(data, eventName);
          if (!result.ok) expect(result.error.message.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 500 },
    );
  });
});
