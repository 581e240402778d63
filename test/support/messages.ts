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

/**
 * An unsent message as a tab stored it in the outbox: `old`, failed, waiting in `c1` (`extra` adds
 * what a test needs, such as its failure).
 */
export const waitingSend = (extra: Record<string, unknown> = {}) => ({
  nonce: 'old',
  conversation_sid: 'c1',
  content: 'waiting',
  created_at: Date.now(),
  state: 'failed',
  ...extra,
});
