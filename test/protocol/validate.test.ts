// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  ChatMessageSchema,
  ConversationSchema,
  RPC_PARAMS,
  RpcResponseSchema,
  describeIssues,
  v,
} from '../../src/protocol/index.ts';

const failure = (schema: v.Schema<unknown>, input: unknown) => {
  const parsed = v.parse(schema, input);
  if (parsed.ok) throw new Error(`expected a failure for ${JSON.stringify(input)}`);
  return describeIssues(parsed.error);
};

describe('the contract validator', () => {
  it('answers the value, trimmed, without unknown fields', () => {
    const parsed = v.parse(RPC_PARAMS['conversation.send_message'], {
      sid: 'c1',
      content: '  hi  ',
      nonce: 'n1',
      extra: true,
    });
    expect(parsed).toEqual({ ok: true, value: { sid: 'c1', content: 'hi', nonce: 'n1' } });
  });

  it('names the field and says what is wrong', () => {
    expect(
      failure(RPC_PARAMS['conversation.send_message'], { sid: 'c1', content: '   ', nonce: 'n1' }),
    ).toBe('content: content is empty');
    expect(failure(RPC_PARAMS['conversation.send_message'], { sid: 'c1', nonce: 'n1' })).toBe(
      'content: is required',
    );
    expect(failure(RPC_PARAMS['conversation.set'], { participant_keys: ['alice', 7] })).toBe(
      'participant_keys.1: expected a string',
    );
    expect(failure(RPC_PARAMS['conversation.list_messages'], { sid: 'c1', limit: 201 })).toBe(
      'limit: expected a whole number from 1 to 200',
    );
    expect(failure(ChatMessageSchema, null)).toBe('expected an object');
  });

  it('accepts optional fields when absent and checks them when present', () => {
    expect(v.parse(RPC_PARAMS['conversation.list_messages'], { sid: 'c1' }).ok).toBe(true);
    expect(
      failure(RPC_PARAMS['conversation.list_messages'], { sid: 'c1', before_seq: -1 }),
    ).toMatch(/^before_seq: /);
  });

  it('takes objects from a server without seq, nonce, unread_count or a preview, absent or null', () => {
    const message = {
      sid: 'm1',
      conversation_sid: 'c1',
      sender_public_key: 'alice',
      content: 'hi',
      created_at: 1,
    };
    expect(v.parse(ChatMessageSchema, message)).toEqual({ ok: true, value: message });
    expect(v.parse(ChatMessageSchema, { ...message, seq: null, nonce: null })).toEqual({
      ok: true,
      value: message,
    });
    const conversation = { sid: 'c1', name: '', participant_keys: ['alice', 'bob'], created_at: 1 };
    expect(
      v.parse(ConversationSchema, {
        ...conversation,
        unread_count: null,
        last_message: null,
        last_message_time: null,
        seq: null,
      }),
    ).toEqual({
      ok: true,
      value: conversation,
    });
    // Present, they are checked as ever.
    expect(failure(ConversationSchema, { ...conversation, unread_count: 'two' })).toBe(
      'unread_count: expected a number',
    );
  });

  it('wants exactly one of result and error in a JSON-RPC response', () => {
    expect(v.parse(RpcResponseSchema, { jsonrpc: '2.0', id: 1, result: null }).ok).toBe(true);
    expect(
      v.parse(RpcResponseSchema, { jsonrpc: '2.0', id: 1, error: { code: -32602, message: 'bad' } })
        .ok,
    ).toBe(true);
    expect(failure(RpcResponseSchema, { jsonrpc: '2.0', id: 1 })).toBe(
      'expected either "result" or "error"',
    );
    expect(failure(RpcResponseSchema, { jsonrpc: '2.0', id: {}, result: 1 })).toBe(
      'id: expected a string, a whole number from -9007199254740991 to 9007199254740991, or null',
    );
  });
});
