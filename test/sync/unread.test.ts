// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { CommunicationError } from '../../src/sdk/index.ts';
import { sendFailure } from '../../src/sync/send-failure.ts';
import type { Bubble } from '../../src/sync/state.ts';
import { firstUnread } from '../../src/sync/unread.ts';

const bubble = (seq: number | undefined, from: string): Bubble => ({
  key: `k${seq ?? 'p'}`,
  sid: seq === undefined ? undefined : `m${seq}`,
  seq,
  sender_public_key: from,
  content: '',
  time: 0,
  status: seq === undefined ? 'sending' : 'sent',
});

describe('firstUnread', () => {
  const at6 = { seq: 6, time: 0 };
  const chat = [
    bubble(1, 'alice'),
    bubble(2, 'me'),
    bubble(3, 'alice'),
    bubble(4, 'carol'),
    bubble(5, 'me'),
    bubble(6, 'alice'),
  ];

  it('is the count-th newest message from others, skipping own ones', () => {
    expect(firstUnread(chat, 'me', 1, at6)).toEqual({ index: 5, complete: true });
    expect(firstUnread(chat, 'me', 2, at6)).toEqual({ index: 3, complete: true });
    expect(firstUnread(chat, 'me', 3, at6)).toEqual({ index: 2, complete: true });
  });

  it('ignores what arrived after the chat was opened, and unconfirmed sends', () => {
    expect(
      firstUnread([...chat, bubble(7, 'alice'), bubble(undefined, 'me')], 'me', 1, at6),
    ).toEqual({ index: 5, complete: true });
  });

  it('without seq, goes by time: what is not newer than the last activity of the chat when it was opened', () => {
    const timed = (sid: string, time: number, from = 'alice'): Bubble => ({
      key: sid,
      sid,
      seq: undefined,
      sender_public_key: from,
      content: '',
      time,
      status: 'sent',
    });
    const bubbles = [
      timed('a', 1000),
      timed('b', 2000),
      timed('c', 2000, 'me'),
      timed('d', 3000),
      timed('e', 9000),
    ];
    expect(firstUnread(bubbles, 'me', 2, { seq: undefined, time: 3000 })).toEqual({
      index: 1,
      complete: true,
    });
    // An unconfirmed send has no sid, whatever its time.
    expect(
      firstUnread([...bubbles, { ...timed('p', 0, 'alice'), sid: undefined }], 'me', 1, {
        seq: undefined,
        time: 3000,
      }).index,
    ).toBe(3);
  });

  it('says when the loaded messages do not reach the first unread one', () => {
    expect(firstUnread(chat, 'me', 10, at6)).toEqual({ index: 0, complete: false });
    expect(firstUnread(chat, 'me', 0, at6)).toEqual({ index: -1, complete: false });
    expect(firstUnread([], 'me', 2, at6)).toEqual({ index: -1, complete: false });
  });
});

describe('sendFailure', () => {
  it('says why a send failed, keeping what the server said and no URL or code', () => {
    expect(
      sendFailure(
        new CommunicationError(
          'network',
          'network error: could not reach http://x/rpc (fetch failed)',
        ),
      ),
    ).toEqual({ why: 'unreachable' });
    expect(
      sendFailure(
        new CommunicationError('rpc', '-32003 not a participant of this conversation', -32003, 200),
      ),
    ).toEqual({
      why: 'refused',
      said: 'not a participant of this conversation',
    });
    expect(
      sendFailure(
        new CommunicationError('http', 'conversation.send_message: HTTP 502', undefined, 502),
      ),
    ).toEqual({ why: 'trouble', status: 502 });
    expect(
      sendFailure(
        new CommunicationError(
          'invalid_response',
          'conversation.send_message: response is not JSON',
        ),
      ),
    ).toEqual({ why: 'trouble' });
    expect(sendFailure(new Error('boom'))).toEqual({ why: 'trouble' });
    // No more than the stored outbox keeps, so the reason survives a reload.
    expect(
      sendFailure(new CommunicationError('rpc', `-32602 ${'x'.repeat(5000)}`, -32602, 200)),
    ).toEqual({ why: 'refused', said: 'x'.repeat(2000) });
  });
});
