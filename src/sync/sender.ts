import { LIMITS } from '../protocol/index.ts';
import { CommunicationError, type CommunicationClient } from '../sdk/index.ts';
import type { SessionEnvironment } from './environment.ts';
import { discardSend, queueSend, retrySend, sendFailed, sendSucceeded } from './merge.ts';
import { dueForRetry, saveOutbox, type OutboxStorage } from './outbox.ts';
import { sendFailure } from './send-failure.ts';
import type { ChatStore } from './store.ts';

export interface SenderOptions {
  client: Pick<CommunicationClient, 'sendMessage'>;
  store: ChatStore;
  env: SessionEnvironment;
  /** Aborts the send in flight; later sends do not start. */
  signal: AbortSignal;
  /** Where the outbox is kept. Default: nowhere (unsent messages do not survive a reload). */
  storage?: OutboxStorage;
  /** Storage key of this identity's outbox (see `outboxKey`). */
  outboxKey?: string;
}

/** Answer of `send`: a readable reason when the message cannot go out. */
export type SendResult = { ok: true } | { ok: false; error: string };

/** Optimistic sends and the outbox (DESIGN §8). */
export interface Sender {
  /** Shows `content` at once in chat `sid` and sends it after the sends before it. */
  send(sid: string | undefined, content: string): SendResult;
  /** Sends a failed message again with its nonce. */
  retry(nonce: string): void;
  discard(nonce: string): void;
  /** Resends, on their own, the failed messages that are due; call when the stream is live. */
  flushDue(): void;
  /** Stops saving the outbox. */
  dispose(): void;
}

export function makeSender(options: SenderOptions): Sender {
  const { client, store, env, signal, storage, outboxKey } = options;
  // Every change of the outbox is saved, whoever made it (a send, its echo on the stream, a discard).
  const unwatch = outboxKey
    ? store.watch((next, previous) => {
        if (next.outbox !== previous.outbox) saveOutbox(storage, outboxKey, next.outbox);
      })
    : () => {};

  // Sends go out one at a time, so the server stores them in the order they were written.
  let sending: Promise<void> = Promise.resolve();
  const deliver = (nonce: string) => {
    sending = sending.then(() => deliverNow(nonce));
  };

  async function deliverNow(nonce: string): Promise<void> {
    const pending = store.current().outbox.find((p) => p.nonce === nonce);
    if (!pending || pending.state !== 'sending' || signal.aborted) return;
    try {
      const message = await client.sendMessage({ sid: pending.conversation_sid, content: pending.content, nonce }, signal);
      store.update((s) => sendSucceeded(s, message));
    } catch (error) {
      if (signal.aborted) return;
      const retryable = error instanceof CommunicationError ? error.retryable : true;
      store.update((s) => sendFailed(s, nonce, sendFailure(error), retryable));
    }
  }

  const retry = (nonce: string) => {
    store.update((s) => retrySend(s, nonce));
    deliver(nonce);
  };

  return {
    send(sid, content) {
      const text = content.trim();
      if (!sid) return { ok: false, error: 'no chat is open' };
      if (text.length < LIMITS.contentMin) return { ok: false, error: 'the message is empty' };
      if (text.length > LIMITS.contentMax) return { ok: false, error: `the message is longer than ${LIMITS.contentMax} characters` };
      const nonce = env.newNonce();
      store.update((s) => queueSend(s, { nonce, conversation_sid: sid, content: text, created_at: env.now(), state: 'sending' }));
      deliver(nonce);
      return { ok: true };
    },
    retry,
    discard(nonce) {
      store.update((s) => discardSend(s, nonce));
    },
    flushDue() {
      for (const pending of dueForRetry(store.current().outbox, env.now())) retry(pending.nonce);
    },
    dispose: unwatch,
  };
}
