import { createComputed, createEffect, createMemo, createSignal, on, Show } from 'solid-js';
import { indexOfRow, rowCount, rowSlice, type Row } from '../sync/index.ts';
import { Avatar } from './Avatar.tsx';
import { useIsland } from './context.ts';
import { EnableNotifications } from './EnableNotifications.tsx';
import { contactName, conversationTitle, listTime } from './format.ts';
import { ListState, useNewChatBlocked } from './ListState.tsx';
import { StatusPill } from './StatusPill.tsx';
import { createListScroll, createWindow, Windowed, type Sequence } from './window/index.ts';

/** What the island asks of the list from outside it. */
export interface ListHandle {
  /** Focuses the row of `sid` (rendering it first if it is outside the window), else the first row. */
  focus(sid: string): void;
}

export interface ConversationListProps {
  openSid: string | undefined;
  onOpen(sid: string): void;
  onNew(): void;
  /** Receives the list's handle once, at creation. */
  handle?: (handle: ListHandle) => void;
}

const ROW = 'button.hm-conv';
const NEAR_EDGE_PX = 120;

/**
 * Conversations by last activity, with preview, time and unread badge, windowed: only the rows near
 * the viewport are in the DOM (never more than 200), however many conversations there are. The list
 * is one Tab stop (roving tabindex); arrow keys, Home and End move through the whole list, past the
 * window's edges. Held away from the top, the window keeps its place in the list while rows jump to
 * the top, so the reader keeps looking at the same stretch.
 */
export function ConversationList(props: ConversationListProps) {
  const { session, drafts, me, now, t, locale } = useIsland();
  const contacts = () => session.store.view().contacts;
  const blocked = useNewChatBlocked();
  const myName = () => contacts().find((c) => c.public_key === me)?.name;
  const rows = createMemo<Sequence<Row>>(() => {
    const all = session.store.view().conversations;
    return {
      length: rowCount(all),
      slice: (start, end) => rowSlice(all, start, end),
      indexOfKey: (sid) => indexOfRow(all, sid),
    };
  });
  // Pinned, 20 rows: a screen and a half of a laptop's list; the scroll fills a taller one.
  const win = createWindow({
    list: rows,
    key: (c) => c.sid,
    edge: 'start',
    pinned: 20,
    holdBy: 'index',
  });
  // The row that takes the list's one Tab stop: the last one focused, else the open one, else the first.
  const [focusSid, setFocusSid] = createSignal<string>();
  let scroller: HTMLUListElement | undefined;

  const tabStop = createMemo(() => {
    const shown = win.rows();
    for (const sid of [focusSid(), props.openSid])
      if (sid !== undefined && shown.some((c) => c.sid === sid)) return sid;
    return shown[0]?.sid;
  });

  // Held once the reader leaves the top; near either end of the rendered rows, the window steps.
  const scroll = createListScroll({
    window: win,
    row: ROW,
    nearEnd: NEAR_EDGE_PX,
    nearStart: NEAR_EDGE_PX,
  });

  /** Focuses row `index` of the whole list, bringing it into the window first. */
  const focusRow = (index: number) => {
    const total = rows().length;
    if (total === 0) return;
    const at = Math.max(0, Math.min(total - 1, index));
    const sid = rows().slice(at, at + 1)[0]!.sid;
    if (at === 0) scroll.toEdge();
    else scroll.keep(() => win.reveal(at));
    setFocusSid(sid);
    const row = scroller?.querySelector<HTMLButtonElement>(`${ROW}[data-sid="${CSS.escape(sid)}"]`);
    row?.focus();
    row?.scrollIntoView({ block: 'nearest' });
  };

  // Handed over once: the island keeps it for as long as the list lives.
  // eslint-disable-next-line solid/reactivity
  props.handle?.({ focus: (sid) => focusRow(Math.max(0, rows().indexOfKey!(sid))) });

  // A focused row that a new message moves to the top is moved in the DOM, and that drops its focus:
  // noted before the rows render, given back after. Should it leave the window (the list held further
  // down), the focus stays at its place, on the row that took it, rather than falling out of the list.
  let hadFocus: { row: HTMLElement; at: number } | undefined;
  const order = createMemo(() => session.store.view().conversations);
  createComputed(
    on(order, () => {
      const active = (scroller?.getRootNode() as Document | ShadowRoot | undefined)?.activeElement;
      hadFocus =
        active instanceof HTMLElement && scroller!.contains(active)
          ? { row: active, at: [...scroller!.querySelectorAll(ROW)].indexOf(active) }
          : undefined;
    }),
  );
  createEffect(
    on(order, () => {
      const had = hadFocus;
      hadFocus = undefined;
      if (!had) return;
      const row = had.row.isConnected
        ? had.row
        : scroller?.querySelectorAll<HTMLElement>(ROW)[had.at];
      if (row && (row.getRootNode() as Document | ShadowRoot).activeElement !== row)
        row.focus({ preventScroll: true });
    }),
  );

  const onKeyDown = (e: KeyboardEvent) => {
    const current = focusSid() ?? tabStop();
    const at = current === undefined ? -1 : rows().indexOfKey!(current);
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: rows().length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    focusRow(to);
  };

  return (
    <nav class="hm-list" aria-label={myName() ? t.conversationsOf(myName()!) : t.conversations}>
      <header class="hm-list-header">
        <h2>{t.chats}</h2>
        <StatusPill />
        <EnableNotifications />
        <button
          type="button"
          class="hm-button"
          disabled={blocked() !== undefined}
          title={blocked()}
          onClick={() => props.onNew()}
        >
          {t.newChat}
        </button>
      </header>
      <Show when={rows().length > 0} fallback={<ListState />}>
        <ul ref={(el) => scroll.ref((scroller = el))} class="hm-conv-list" onKeyDown={onKeyDown}>
          <Windowed of={win}>
            {(conv, index) => {
              // A row's key is its sid: it never changes while the row lives.
              const sid = conv().sid;
              const title = () => conversationTitle(conv(), me, contacts(), t.justYou);
              const unread = () => (sid === props.openSid ? 0 : conv().unread_count);
              // The newest send of this chat that failed, if it is newer than the last message.
              const unsent = () =>
                session.store
                  .view()
                  .outbox.findLast(
                    (p) => p.conversation_sid === sid && p.created_at >= conv().last_message_time,
                  );
              const failed = () => (unsent()?.state === 'failed' ? unsent() : undefined);
              const typing = () => session.typing(sid);
              return (
                <li
                  aria-setsize={session.loaded() ? rows().length : -1}
                  aria-posinset={index() + 1}
                >
                  <button
                    type="button"
                    class="hm-conv"
                    classList={{ 'hm-conv-unread': unread() > 0 }}
                    aria-current={sid === props.openSid ? 'page' : undefined}
                    tabIndex={tabStop() === sid ? 0 : -1}
                    data-sid={sid}
                    onFocus={() => setFocusSid(sid)}
                    onClick={() => props.onOpen(sid)}
                  >
                    <Avatar name={title()} seed={sid} />
                    <span class="hm-conv-main">
                      <span class="hm-conv-top">
                        <span class="hm-conv-title" dir="auto">
                          {title()}
                        </span>
                        <time
                          class="hm-conv-time"
                          dateTime={new Date(conv().last_message_time).toISOString()}
                        >
                          {listTime(conv().last_message_time, now(), locale())}
                        </time>
                      </span>
                      <span class="hm-conv-bottom">
                        <span class="hm-conv-preview" dir="auto">
                          {typing().length > 0 ? (
                            <span class="hm-typing">
                              {t.typing(typing().map((k) => contactName(k, contacts())))}
                            </span>
                          ) : sid !== props.openSid && drafts.get(sid).trim() ? (
                            <>
                              <b class="hm-draft">{t.draft}</b> {drafts.get(sid)}
                            </>
                          ) : failed() ? (
                            <>
                              <b class="hm-draft">{t.unsentPreview}</b> {failed()?.content}
                            </>
                          ) : (
                            conv().last_message ||
                            // Empty after the conversation began: its last message was deleted.
                            (conv().last_message_time > conv().created_at * 1000
                              ? t.messageDeleted
                              : '') ||
                            t.createdWith(
                              conv()
                                .participant_keys.filter((k) => k !== me)
                                .map((k) => contactName(k, contacts()))
                                .join(', '),
                            )
                          )}
                        </span>
                        <Show when={unread() > 0}>
                          <span class="hm-badge" aria-label={t.unread(unread())}>
                            {unread() > 99 ? '99+' : unread()}
                          </span>
                        </Show>
                      </span>
                    </span>
                  </button>
                </li>
              );
            }}
          </Windowed>
        </ul>
      </Show>
    </nav>
  );
}
