import { describe, expect, it } from 'vitest';
import { formatFrame, parseEventData, RpcError, RpcErrorCode } from '../../src/protocol/index.ts';

describe('formatFrame', () => {
  it('writes id, event and one data line that parses back to the event', () => {
    const event = {
      type: 'conversation.read',
      data: { sid: 'c1', reader_key: 'bob', seq: 9 },
    } as const;
    const text = formatFrame(event, 'e1:9');
    expect(text).toBe(`id: e1:9\nevent: conversation.read\ndata: ${JSON.stringify(event)}\n\n`);
    const data = text.split('\n')[2]!.slice('data: '.length);
    expect(parseEventData(data, 'conversation.read')).toEqual({ ok: true, value: event });
  });

  it('leaves out the id line when there is none, and keeps newlines inside data escaped', () => {
    const text = formatFrame({ type: 'resync', data: { reason: 'line one\nline two' } });
    expect(text.startsWith('event: resync\ndata: ')).toBe(true);
    expect(text.split('\n')).toHaveLength(4);
  });
});

describe('RpcError', () => {
  it('is named by its code and answers the JSON-RPC error object', () => {
    const error = new RpcError('NotParticipant', 'not a participant of this conversation');
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(RpcErrorCode.NotParticipant);
    expect(error.kind).toBe('NotParticipant');
    expect(error.toObject()).toEqual({
      code: -32003,
      message: 'not a participant of this conversation',
    });
  });
});
