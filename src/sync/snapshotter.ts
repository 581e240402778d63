import { RpcErrorCode, type Conversation, type ServerEvent } from '../protocol/index.ts';
import { CommunicationError, type CommunicationClient } from '../sdk/index.ts';
import type { SessionEnvironment } from './environment.ts';
import { openChat } from './open-chat.ts';
import { applySnapshot } from './snapshot.ts';
import { makeRetryWait, reason } from './retry.ts';
import type { Snapshot } from './state.ts';
import type { ChatStore } from './store.ts';

export interface SnapshotterOptions {
  client: Pick<CommunicationClient, 'listConversations' | 'listMessages'>;
  store: ChatStore;
  env: SessionEnvironment;
  /** Aborts the requests in flight and stops retries. */
  signal: AbortSignal;
  /** Messages per page of the open chat. */
  pageSize: number;
  /** A snapshot landed: whether it held the conversation list, and the chat it fetched. */
  onTaken(taken: { list: boolean; sid: string | undefined }): void;
  /** The server refused the identity: no retry until asked again. */
  onRefused(): void;
  /** A snapshot whose list failed with `error` is tried again at `at` (unix ms); `at` 0 when a try starts. */
  onRetryAt?(at: number, error?: unknown): void;
}

/** Fetches snapshots: one at a time, the events that arrive meanwhile applied on top, retried with backoff. */
export interface Snapshotter {
  /** Asks for the open chat's newest messages, and the conversation list too when `list`. */
  request(list: boolean): void;
  /** Hands over a live event (already applied); kept while a snapshot is in flight, to apply again on top of it. */
  observe(event: ServerEvent): void;
  /** A failed snapshot waits before it is tried again. */
  readonly waiting: boolean;
  /** A list snapshot is wanted still (asked for while one was in flight, or failed): what landed is not the latest view. */
  readonly listWanted: boolean;
  /** Skips that wait. */
  retryNow(): void;
  dispose(): void;
}

export function makeSnapshotter(options: SnapshotterOptions): Snapshotter {
  const { client, store, signal, pageSize } = options;
  const retry = makeRetryWait(options.env);
  let inFlight: ServerEvent[] | undefined;
  /** A list snapshot has landed: a first part would replace a whole list that is on screen. */
  let listed = false;
  let wantList = false;
  let wantChat = false;

  const want = (list: boolean) => {
    wantList ||= list;
    wantChat = true;
  };

  async function run(): Promise<void> {
    retry.cancel();
    options.onRetryAt?.(0);
    const list = wantList;
    const sid = store.state().open?.sid;
    wantList = false;
    wantChat = false;
    const buffer: ServerEvent[] = (inFlight = []);
    // Until the first list lands, the list has nothing to show: the first part of a long one (the
    // newest conversations, a screen of rows and more) is shown as soon as it is checked, the events
    // meanwhile on top, and the whole list replaces it when it is in. A run waits for both its answers,
    // so no other run is in flight meanwhile.
    const onFirst = (first: Conversation[]) => {
      if (!listed && !signal.aborted)
        store.update((s) => applySnapshot(s, { conversations: first }, buffer));
    };
    // What this run asked for and did not get: wanted again, and tried again after a wait.
    let listFailed = list;
    try {
      const [rows, page] = await Promise.allSettled([
        list ? client.listConversations(signal, onFirst) : undefined,
        sid ? client.listMessages({ sid, limit: pageSize }, signal) : undefined,
      ]);
      // Whichever answer came is shown: a list the server cannot send (or the island cannot check)
      // does not keep the open chat empty, nor a failed chat page the list.
      const conversations = rows.status === 'fulfilled' ? rows.value : undefined;
      const messages = page.status === 'fulfilled' ? page.value : undefined;
      listFailed = list && !conversations;
      const snapshot: Snapshot = { conversations };
      if (sid && messages) snapshot.chat = { sid, messages, hasOlder: messages.length >= pageSize };
      if (!signal.aborted && (conversations || snapshot.chat)) {
        inFlight = undefined;
        store.update((s) => applySnapshot(s, snapshot, buffer));
        listed ||= !!conversations;
        options.onTaken({ list: !!conversations, sid: snapshot.chat?.sid });
      }
      if (rows.status === 'rejected') throw rows.reason;
      if (page.status === 'rejected') throw page.reason;
      retry.reset();
    } catch (error) {
      inFlight = undefined;
      if (signal.aborted) return;
      want(listFailed);
      if (error instanceof CommunicationError && error.code === RpcErrorCode.Unauthenticated) {
        options.onRefused();
        return;
      }
      const gone =
        error instanceof CommunicationError &&
        (error.code === RpcErrorCode.NotParticipant || error.code === RpcErrorCode.NotFound);
      if (gone && sid) {
        // The open chat is gone or not ours: close it, keep the rest.
        store.update((s) => (s.open?.sid === sid ? openChat(s, undefined) : s));
      }
      // What failed stays wanted; a run started meanwhile (a new request) cancels this wait.
      const delay = retry.after(() => void run());
      // Only a missing list keeps the view from being the server's: a chat page alone does not.
      if (listFailed) options.onRetryAt?.(options.env.now() + delay, error);
      console.warn(`[hero-messaging] snapshot failed, retrying in ${delay} ms: ${reason(error)}`);
      return;
    }
    if (wantList || wantChat) void run();
  }

  return {
    request(list) {
      want(list);
      if (!inFlight) void run();
    },
    observe(event) {
      inFlight?.push(event);
    },
    get waiting() {
      return retry.waiting;
    },
    get listWanted() {
      return wantList;
    },
    retryNow: () => retry.now(),
    dispose: () => retry.cancel(),
  };
}
