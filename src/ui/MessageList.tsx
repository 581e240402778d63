import { createEffect, createMemo, createSignal, on, Show } from 'solid-js';
import { findRow, firstUnread, seenOf, type Bubble } from '../sync/index.ts';
import { useIsland } from './context.ts';
import { contactName } from './format.ts';
import { MessageBubble } from './MessageBubble.tsx';
import { createListScroll, createWindow, Windowed } from './window/index.ts';

const NEAR_BOTTOM_PX = 48;
/** A reader at the bottom keeps at most twice this many messages in memory, then this many. */
const KEEP_MESSAGES = 500;
const NEAR_TOP_PX = 80;
/** Room kept under a failed send's note when it is scrolled into view (the list's padding). */
const NOTE_MARGIN_PX = 12;
/** Messages loaded at most (four pages) to find where the unread ones start. */
const UNREAD_REACH = 200;

/**
 * The open chat's bubbles, windowed: only those near the viewport are in the DOM (30 to 38 while
 * pinned to the bottom: new ones are added under those rendered, and as many dropped at the top once
 * 8 or more have come and been painted; more when the host is tall enough, never more than 200).
 * Stays pinned to the bottom while the reader is there; scrolled up, it offers to jump to the latest
 * and counts what is below. Scrolling up renders earlier bubbles, then loads older pages, without
 * moving what is on screen. A chat opened with unread messages shows "New messages" above the first
 * of them, and opens there when that is above the fold. Messages from others are read out by a hidden
 * announcer: a live region over a windowed list would also read rows rendered by scrolling.
 */
export function MessageList(props: { sid: string; group: boolean; onEdit(bubble: Bubble): void }) {
  const { session, me, t } = useIsland();
  const { view, bubbles } = session.store;
  // The newest own message someone has read, and who: only with receipts on (off: none are shown).
  const seen = createMemo(() =>
    session.receipts
      ? seenOf(bubbles(), findRow(view().conversations, props.sid)?.read_by, me)
      : undefined,
  );
  // Pinned to the end, 30 rows, stepping by 40, at most 200: the window's defaults.
  const win = createWindow({ list: bubbles, key: (b) => b.key });
  /** The page before the oldest message loaded, published at once; false when it could not be had. */
  const loadOlder = async () => {
    try {
      await session.loadOlder();
      session.store.publish();
      return true;
    } catch (error) {
      console.warn(`[hero-messaging] could not load older messages: ${(error as Error).message}`);
      return false;
    }
  };
  const scroll = createListScroll({
    window: win,
    row: '.hm-msg',
    nearEnd: NEAR_BOTTOM_PX,
    nearStart: NEAR_TOP_PX,
    older: () => (view().open?.hasOlder ? loadOlder() : undefined),
  });
  // Key of the first message that was unread when the chat was opened.
  const [divider, setDivider] = createSignal<string>();
  const [heard, setHeard] = createSignal('');

  // Nothing far above a reader at the bottom is kept: a chat open for hours stays light, and what
  // is forgotten is paged back in when scrolled to.
  createEffect(() => {
    if (scroll.atEdge() && win.pinned() && bubbles().length > KEEP_MESSAGES * 2)
      session.forgetOlder(KEEP_MESSAGES);
  });

  // What was unread when this chat was opened; read as the route changes, before the chat is marked read.
  let opened = { sid: '', unread: 0, at: { seq: 0 as number | undefined, time: 0 } };
  createEffect(
    on(
      () => props.sid,
      (sid) => {
        const row = findRow(session.store.state().conversations, sid);
        opened = {
          sid,
          unread: row?.unread_count ?? 0,
          at: { seq: row?.seq, time: row?.last_message_time ?? 0 },
        };
        setDivider(undefined);
      },
    ),
  );

  /** Finds the first unread message (loading older pages up to `UNREAD_REACH`), marks it, and opens there when it is above the fold. */
  const toFirstUnread = async (sid: string) => {
    const { unread, at } = opened;
    let found = firstUnread(bubbles(), me, unread, at);
    for (
      let page = 0;
      !found.complete && view().open?.hasOlder && bubbles().length < UNREAD_REACH && page < 4;
      page++
    ) {
      if (!(await loadOlder())) break;
      if (opened.sid !== sid) return;
      found = firstUnread(bubbles(), me, unread, at);
    }
    if (found.index < 0) return;
    setDivider(bubbles()[found.index]!.key);
    win.reveal(found.index);
    // After the scroll to the bottom that a newly loaded chat queues.
    queueMicrotask(() => opened.sid === sid && scroll.showAt('.hm-unread'));
  };

  // A memo, so that only a change of chat (not every publication of the state) lands here.
  const openSid = createMemo(() => view().open?.sid);
  createEffect(on(openSid, () => scroll.reset()));
  const loadedSid = createMemo(() => (view().open?.loaded ? view().open?.sid : undefined));
  createEffect(
    on(loadedSid, (sid) => {
      if (sid && sid === opened.sid && opened.unread > 0) void toFirstUnread(sid);
    }),
  );

  createEffect(
    on(
      () => {
        const list = bubbles();
        return { sid: openSid(), length: list.length, last: list.at(-1) };
      },
      (current, previous) => {
        if (!current.last || current.last.key === previous?.last?.key) return;
        const own = previous?.last && current.last.sender_public_key === me;
        // A reply reads what came before it: the divider has done its work.
        if (own && current.sid === previous.sid) setDivider(undefined);
        const added = previous?.last ? Math.max(1, current.length - previous.length) : 0;
        scroll.arrived(added, !!own);
        if (previous?.last && current.sid === previous.sid) announce(previous.last.key);
      },
    ),
  );

  /** Reads out the messages from others after `lastKey` (the newest three, should a burst arrive). */
  const announce = (lastKey: string) => {
    const list = bubbles();
    const said: string[] = [];
    for (let i = list.length - 1; i >= 0 && list[i]!.key !== lastKey && said.length < 3; i--) {
      const b = list[i]!;
      if (b.sender_public_key !== me)
        said.unshift(`${contactName(b.sender_public_key, view().contacts)}: ${b.content}`);
    }
    if (said.length > 0) setHeard(said.join('\n'));
  };

  // A send that fails shows why under its bubble: the newest such note is scrolled into view.
  const failed = createMemo(() => {
    const list = bubbles();
    // Unconfirmed bubbles (no sid) come last.
    for (let i = list.length - 1; i >= 0 && list[i]!.sid === undefined; i--)
      if (list[i]!.status === 'failed') return list[i]!.key;
    return undefined;
  });
  createEffect(
    // The newest failed bubble is the last one rendered, when it is rendered.
    on(failed, (key) => key && scroll.showLast('.hm-failed', NOTE_MARGIN_PX)),
  );

  return (
    <div class="hm-messages-wrap">
      {/* Not a live region itself (see above): `aria-live="off"` overrides the one `log` implies. */}
      {/* A Tab stop, so that the history can be scrolled from the keyboard. */}
      <div
        ref={(el) => scroll.ref(el)}
        class="hm-messages"
        role="log"
        aria-live="off"
        aria-label={t.messages}
        tabIndex={0}
      >
        <Show when={scroll.loading()}>
          <p class="hm-older">{t.loadingOlder}</p>
        </Show>
        <Show when={view().open?.loaded && bubbles().length === 0}>
          <p class="hm-empty">{t.noMessages}</p>
        </Show>
        <Windowed of={win}>
          {(bubble, index) => {
            const before = createMemo(() => bubbles()[index() - 1]);
            const after = createMemo(() => bubbles()[index() + 1]);
            return (
              <>
                <Show when={bubble().key === divider()}>
                  <div class="hm-unread" role="separator">
                    {t.newMessages}
                  </div>
                </Show>
                <MessageBubble
                  bubble={bubble}
                  before={before}
                  after={after}
                  group={props.group}
                  seen={() => (seen()?.key === bubble().key ? seen()!.readers : undefined)}
                  onEdit={props.onEdit}
                />
              </>
            );
          }}
        </Windowed>
      </div>
      <Show when={!scroll.atEdge()}>
        <button
          type="button"
          class="hm-button hm-jump"
          aria-label={
            scroll.below() > 0 ? `${t.jumpToLatest}, ${t.below(scroll.below())}` : t.jumpToLatest
          }
          onClick={() => scroll.toEdge()}
        >
          ↓{scroll.below() > 0 ? ` ${scroll.below()}` : ''}
        </button>
      </Show>
      <p class="hm-sr" aria-live="polite">
        {heard()}
      </p>
    </div>
  );
}
