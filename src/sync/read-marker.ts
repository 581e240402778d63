import { findRow } from './rows.ts';
import type { CommunicationClient } from '../sdk/index.ts';
import type { SessionEnvironment } from './environment.ts';
import { clearUnread } from './merge.ts';
import { makeRetryWait, reason, worthRetrying } from './retry.ts';
import type { ChatStore } from './store.ts';

export interface ReadMarkerOptions {
  client: Pick<CommunicationClient, 'markRead'>;
  store: ChatStore;
  env: SessionEnvironment;
  signal: AbortSignal;
  /** Delay before `mark_read` goes out, so a burst makes one call. Default 300 ms. */
  delayMs?: number;
}

/** Keeps the open chat at 0 unread while the person can see it, and tells the server (DESIGN §7). */
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

  // The chat open when the call goes out is the one marked: a chat left meanwhile was cleared already.
  async function markOpen(): Promise<void> {
    const sid = store.current().open?.sid;
    if (!sid || signal.aborted) return;
    try {
      await client.markRead({ sid }, signal);
      retry.reset();
    } catch (error) {
      if (signal.aborted) return;
      if (!worthRetrying(error)) {
        console.warn(`[hero-messaging] mark_read refused: ${reason(error)}`);
        return;
      }
      // Retried while the chat stays open; said once per run of failures.
      const first = retry.failures === 0;
      const delay = retry.after(() => {
        if (store.current().open?.sid === sid) void markOpen();
      });
      if (first) console.warn(`[hero-messaging] mark_read failed, retrying in ${delay} ms: ${reason(error)}`);
    }
  }

  return {
    soon() {
      const sid = store.current().open?.sid;
      if (!sid || !env.isVisible()) return;
      const row = findRow(store.current().conversations, sid);
      if (!row || row.unread_count === 0) return;
      store.update((s) => clearUnread(s, sid));
      if (due) return;
      due = true;
      timer = env.setTimeout(() => {
        due = false;
        void markOpen();
      }, delayMs);
    },
    dispose() {
      if (due) env.clearTimeout(timer);
      due = false;
      retry.cancel();
    },
  };
}
