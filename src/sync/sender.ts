import { LIMITS } from '../protocol/index.ts';
import type { CommunicationClient } from '../sdk/index.ts';
import type { SessionEnvironment } from './environment.ts';
import { applyUpdatedMessage } from './merge.ts';
import {
  discardSend,
  editPending,
  queueSend,
  retrySend,
  sendFailed,
  sendSucceeded,
} from './sends.ts';
import { dueForRetry, type OutboxStorage } from './outbox.ts';
import { worthRetrying } from './retry.ts';
import { sendFailure } from './send-failure.ts';
import { makeSharedOutbox } from './shared-outbox.ts';
import type { ChatStore } from './store.ts';

export interface SenderOptions {
  client: Pick<CommunicationClient, 'sendMessage' | 'editMessage'>;
  store: ChatStore;
  env: SessionEnvironment;
  /** Aborts the send in flight; later sends do not start. */
  signal: AbortSignal;
  /** Where the outbox is kept, shared by the tabs of the identity. Default: nowhere (unsent messages do not survive a reload). */
  storage?: OutboxStorage;
  /** Storage key of this identity's outbox (see `outboxKey`). */
  outboxKey?: string;
  /** This tab's id in the shared outbox. Default: a random UUID. */
  tabId?: string;
  /** Called when another tab left a send behind (closed mid-send): time for the tab that flushes to flush. Default: nothing. */
  onLeftBehind?: () => void;
}

/** Answer of `send`: why the message cannot go out (no chat open, nothing written, too long), when it cannot. */
export type SendResult = { ok: true } | { ok: false; error: 'no-chat' | 'empty' | 'too-long' };

/** Optimistic sends and the outbox; who sends what across tabs: `SharedOutbox`. */
export interface Sender {
  /** Shows `content` at once in chat `sid` and sends it after the sends before it. */
  send(sid: string | undefined, content: string): SendResult;
  /** Sends a failed message again with its nonce, unless another tab is sending it now. */
  retry(nonce: string): void;
  discard(nonce: string): void;
  /**
   * Gives a message not confirmed yet new text: it goes out with it, or, when the send is already on
   * its way, as an edit right after it lands.
   */
  edit(nonce: string, content: string): void;
  /** Resends, on their own, the failed messages that are due. Call it in one tab: see `SharedOutbox`. */
  flushDue(): void;
  /** Stops saving the outbox and listening to other tabs. */
  dispose(): void;
}

export function makeSender(options: SenderOptions): Sender {
  const { client, store, env, signal } = options;
  const tabId = options.tabId ?? crypto.randomUUID();
  const shared = makeSharedOutbox({
    ...options,
    tabId,
    onLeftBehind: options.onLeftBehind ?? (() => {}),
  });

  // The text a message not confirmed yet was given after it was written (see `edit`), by nonce: what
  // the server stores must end up saying it.
  const wanted = new Map<string, string>();
  // Sends go out one at a time, so the server stores them in the order they were written.
  let sending: Promise<void> = Promise.resolve();
  const deliver = (nonce: string) => {
    sending = sending.then(() => deliverNow(nonce));
  };

  async function deliverNow(nonce: string): Promise<void> {
    const pending = store.state().outbox.find((p) => p.nonce === nonce);
    if (pending?.state !== 'sending' || pending.owner !== tabId || signal.aborted) return;
    try {
      const message = await client.sendMessage(
        { sid: pending.conversation_sid, content: pending.content, nonce },
        signal,
      );
      // Edited while on its way (or before a retry the server answered with what it stored first):
      // the text wanted follows as an edit.
      const content = wanted.get(nonce) ?? message.content;
      wanted.delete(nonce);
      store.update((s) => sendSucceeded(s, message, nonce));
      if (content !== message.content && !signal.aborted) {
        const edited = await client
          .editMessage({ sid: message.conversation_sid, message_sid: message.sid, content }, signal)
          .catch((error: unknown) => {
            console.warn(
              '[hero-messaging] an edit made while the message was being sent did not go out',
              error,
            );
          });
        if (edited) store.update((s) => applyUpdatedMessage(s, edited));
      }
    } catch (error) {
      if (signal.aborted) return;
      const retryable = worthRetrying(error);
      store.update((s) => sendFailed(s, nonce, sendFailure(error), retryable));
    }
  }

  const retry = (nonce: string) => {
    if (
      store.state().outbox.find((p) => p.nonce === nonce)?.state !== 'failed' ||
      shared.sentElsewhere(nonce)
    )
      return;
    store.update((s) => retrySend(s, nonce, tabId, env.now()));
    deliver(nonce);
  };

  return {
    send(sid, content) {
      const text = content.trim();
      if (!sid) return { ok: false, error: 'no-chat' };
      if (text.length < LIMITS.contentMin) return { ok: false, error: 'empty' };
      if (text.length > LIMITS.contentMax) return { ok: false, error: 'too-long' };
      const nonce = env.newNonce();
      const now = env.now();
      store.update((s) =>
        queueSend(s, {
          nonce,
          conversation_sid: sid,
          content: text,
          created_at: now,
          state: 'sending',
          owner: tabId,
          since: now,
        }),
      );
      deliver(nonce);
      return { ok: true };
    },
    retry,
    discard(nonce) {
      wanted.delete(nonce);
      store.update((s) => discardSend(s, nonce));
    },
    edit(nonce, content) {
      wanted.set(nonce, content);
      store.update((s) => editPending(s, nonce, content));
    },
    flushDue() {
      for (const pending of dueForRetry(store.state().outbox, env.now())) retry(pending.nonce);
    },
    dispose: shared.dispose,
  };
}
