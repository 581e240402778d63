import { findRow } from './rows.ts';
import type { CommunicationClient } from '../sdk/index.ts';
import type { SessionEnvironment } from './environment.ts';
import { clearUnread } from './open-chat.ts';
import { isMissingMethod, makeRetryWait, reason, worthRetrying } from './retry.ts';
import type { ChatStore } from './store.ts';

export interface ReadMarkerOptions {
  client: Pick<CommunicationClient, 'markRead'>;
  store: ChatStore;
  env: SessionEnvironment;
  signal: AbortSignal;
  /** Delay before `mark_read` goes out, so a burst makes one call. Default 300 ms. */
  delayMs?: number;
  /** Whether the other participants are told how far the person has read. Default true. */
  receipts?: boolean;
}

/** Keeps the open chat at 0 unread while the person can see it, and tells the server. */
export interface ReadMarker {
  /** Clears the open chat's unread count now, and calls `mark_read` after the delay. */
  soon(): void;
  dispose(): void;
}

export function makeReadMarker(options: ReadMarkerOptions): ReadMarker {
  const { client, store, env, signal } = options;
  const delayMs = options.delayMs ?? 300;
  const retry = makeRetryWait(env);
  let timer: unknown;
  let due = false;
  // Chats cleared locally and not yet told to the server: left meanwhile or not, each is marked.
  const cleared = new Set<string>();
  // A server without `mark_read` (-32601) is not asked again: the chat is still shown read here.
  let unsupported = false;

  async function mark(sid: string): Promise<void> {
    if (signal.aborted || unsupported) return;
    try {
      await client.markRead(options.receipts === false ? { sid, receipt: false } : { sid }, signal);
      retry.reset();
    } catch (error) {
      if (signal.aborted) return;
      if (isMissingMethod(error)) {
        unsupported = true;
        console.info(
          '[hero-messaging] the server has no conversation.mark_read: chats are marked read in this island only',
        );
        return;
      }
      if (!worthRetrying(error)) {
        console.warn(`[hero-messaging] mark_read refused: ${reason(error)}`);
        return;
      }
      // Retried while the chat stays open (a chat left shows its unread again after the next snapshot):
      // a chat left already gets no wait of its own, which would replace the open chat's. Said once per
      // run of failures.
      if (store.state().open?.sid !== sid) {
        console.warn(
          `[hero-messaging] mark_read failed for a chat no longer open: ${reason(error)}`,
        );
        return;
      }
      const first = retry.failures === 0;
      const delay = retry.after(() => {
        if (store.state().open?.sid === sid) void mark(sid);
      });
      if (first)
        console.warn(
          `[hero-messaging] mark_read failed, retrying in ${delay} ms: ${reason(error)}`,
        );
    }
  }

  return {
    soon() {
      const sid = store.state().open?.sid;
      if (!sid || !env.isVisible()) return;
      const row = findRow(store.state().conversations, sid);
      if (!row || row.unread_count === 0) return;
      store.update((s) => clearUnread(s, sid));
      cleared.add(sid);
      if (due) return;
      due = true;
      timer = env.setTimeout(() => {
        due = false;
        const sids = [...cleared];
        cleared.clear();
        for (const each of sids) void mark(each);
      }, delayMs);
    },
    dispose() {
      if (due) env.clearTimeout(timer);
      due = false;
      cleared.clear();
      retry.cancel();
    },
  };
}
