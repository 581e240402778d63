import type { ChatMessage } from '../../src/protocol/index.ts';

/** A confirmed message of conversation `c1` at `seq`, for the pure merge and store tests. */
export const chatMessage = (seq: number, sender = 'alice', nonce?: string): ChatMessage => ({
  sid: `m${seq}`,
  conversation_sid: 'c1',
  sender_public_key: sender,
  content: `text ${seq}`,
  created_at: 1_700_000_000 + seq,
  seq,
  ...(nonce ? { nonce } : {}),
});

/** Bob's send `nonce` as the server confirms it: `content`, at `seq` of `c1`. */
export const echo = (nonce: string, content: string, seq = 10): ChatMessage => ({
  sid: `m${seq}`,
  conversation_sid: 'c1',
  sender_public_key: 'bob',
  content,
  created_at: 1_700_000_000,
  seq,
  nonce,
});
