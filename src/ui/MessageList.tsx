import { createEffect, createMemo, createSignal, on, onCleanup, onMount, Show } from 'solid-js';
import { duringFrame } from './frames.ts';
import { findRow, firstUnread, seenOf, type Bubble } from '../sync/index.ts';
import { useIsland } from './context.ts';
import { contactName } from './format.ts';
import { MessageBubble } from './MessageBubble.tsx';
import { createWindow, keepingPlace, onResize, Windowed } from './window/index.ts';

const NEAR_BOTTOM_PX = 48;
/** A reader at the bottom keeps at most twice this many messages in memory, then this many. */
const KEEP_MESSAGES = 500;
const NEAR_TOP_PX = 80;
const BUBBLE = '.hm-msg';
/** Room kept under a failed send's note when it is scrolled into view (the list's padding). */
const NOTE_MARGIN_PX = 12;
/** Messages loaded at most (four pages) to find where the unread ones start. */
const UNREAD_REACH = 200;

/**
 * The open chat's bubbles, windowed: only those near the viewport are in the DOM (30 while pinned to
 * the bottom, more when the host is tall enough to show more, never more than 200). Stays pinned to
 * the bottom while the reader is there; scrolled up, it offers to jump to the latest and counts what is
 * below. Scrolling up renders earlier bubbles, then loads older pages, without moving what is on screen.
 * A chat opened with unread messages shows "New messages" above the first of them, and opens there
 * when that is above the fold. Messages from others are read out by a hidden announcer: a live region
 * over a windowed list would also read rows rendered by scrolling.
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
  const win = createWindow({
    list: bubbles,
    key: (b) => b.key,
    edge: 'end',
    pinned: 30,
    chunk: 40,
    max: 200,
  });
  const [atBottom, setAtBottom] = createSignal(true);
  // Messages below the viewport while the reader is scrolled up.
  const [below, setBelow] = createSignal(0);
  const [loadingOlder, setLoadingOlder] = createSignal(false);
  // Key of the first message that was unread when the chat was opened.
  const [divider, setDivider] = createSignal<string>();
  const [heard, setHeard] = createSignal('');
  let scroller: HTMLDivElement | undefined;

  // Scrolled to the bottom once per frame, before it is painted: a burst of renders costs one layout.
  let scrollQueued = false;
  let frame: number | undefined;
  onCleanup(() => frame !== undefined && cancelAnimationFrame(frame));
  const toBottom = () => {
    win.pin();
    setBelow(0);
    setAtBottom(true);
    if (duringFrame()) {
      // Rendered at the start of a frame: layout happens now anyway.
      scrollToEnd();
      return;
    }
    if (scrollQueued) return;
    scrollQueued = true;
    frame = requestAnimationFrame(() => {
      scrollQueued = false;
      if (atBottom()) scrollToEnd();
    });
  };

  /** To the bottom, rendering more while what is rendered does not fill a screen and a half. */
  const scrollToEnd = () => {
    if (!scroller) return;
    while (win.pinned() && scroller.scrollHeight < scroller.clientHeight * 1.5 && win.grow());
    scroller.scrollTop = scroller.scrollHeight;
    // Nothing to scroll yet, so no scroll event would ask for older messages: ask now.
    if (
      scroller.clientHeight > 0 &&
      scroller.scrollHeight <= scroller.clientHeight &&
      win.range().start === 0 &&
      view().open?.hasOlder
    )
      void showEarlier();
  };

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

  const showEarlier = async () => {
    if (win.range().start > 0) {
      keepingPlace(scroller, BUBBLE, () => win.earlier());
      return;
    }
    if (!view().open?.hasOlder || loadingOlder()) return;
    // The rows rendered stay as the older page lands above them; then the window steps up into it.
    win.hold();
    setLoadingOlder(true);
    await loadOlder();
    keepingPlace(scroller, BUBBLE, () => {
      setLoadingOlder(false);
      win.earlier();
    });
  };

  /** Messages below the viewport: rendered ones under its bottom edge, and those not rendered. */
  const countBelow = () => {
    const rows = scroller!.querySelectorAll(BUBBLE);
    const edge = scroller!.getBoundingClientRect().bottom;
    let n = bubbles().length - win.range().end;
    for (let i = rows.length - 1; i >= 0 && rows[i]!.getBoundingClientRect().top >= edge; i--) n++;
    return n;
  };

  // Nothing far above a reader at the bottom is kept: a chat open for hours stays light, and what
  // is forgotten is paged back in when scrolled to.
  createEffect(() => {
    if (atBottom() && win.pinned() && bubbles().length > KEEP_MESSAGES * 2)
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
    queueMicrotask(() => {
      const line = scroller?.querySelector<HTMLElement>('.hm-unread');
      if (!scroller || !line || opened.sid !== sid) return;
      const top =
        line.getBoundingClientRect().top -
        scroller.getBoundingClientRect().top +
        scroller.scrollTop;
      // Seen from the bottom already: the chat opens at the bottom, as any other.
      if (top >= scroller.scrollHeight - scroller.clientHeight) {
        if (!win.pinned()) toBottom();
        return;
      }
      setAtBottom(false);
      win.hold();
      scroller.scrollTop = top;
      setBelow(countBelow());
    });
  };

  // A memo, so that only a change of chat (not every publication of the state) lands here.
  const openSid = createMemo(() => view().open?.sid);
  createEffect(
    on(openSid, () => {
      setBelow(0);
      win.reset();
      queueMicrotask(toBottom);
    }),
  );
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
        return { sid: openSid(), length: list.length, last: list[list.length - 1] };
      },
      (current, previous) => {
        if (!current.last || current.last.key === previous?.last?.key) return;
        const own = previous?.last && current.last.sender_public_key === me;
        // A reply reads what came before it: the divider has done its work.
        if (own && current.sid === previous.sid) setDivider(undefined);
        if (atBottom() || own) toBottom();
        else if (previous?.last) setBelow((n) => n + Math.max(1, current.length - previous.length));
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
    on(failed, (key) => {
      // The newest failed bubble is the last one rendered, when it is rendered.
      const row = key && scroller && [...scroller.querySelectorAll('.hm-failed')].pop();
      if (!row) return;
      const over = row.getBoundingClientRect().bottom - scroller.getBoundingClientRect().bottom;
      if (over > 0) scroller.scrollTop += over + NOTE_MARGIN_PX;
    }),
  );

  // A reader at the bottom stays there when the chat changes size (a window made shorter, a keyboard
  // opened): nothing else scrolls, so the newest bubbles would slip under the bottom edge. A taller
  // chat gets the bubbles to fill it. `height` is the size the observer last reported: a scroll event
  // dispatched at another size, before the observer reports it, is taken for the resize (often the
  // browser's own, for an offset the old size allowed), not for the reader leaving the bottom. A reader's
  // scroll in that same frame is then lost, once. Checking the offset instead went wrong in 2 or 3 of
  // 20 quick resizes, where a size lasted less than a frame. (No observer, no size, and every scroll
  // event is the reader's.)
  let height: number | undefined;
  /** Scrolls to the bottom again, at the present size, if the reader was there; answers whether. */
  const stayAtBottom = () => {
    height = scroller!.clientHeight;
    if (!atBottom()) return false;
    scrollToEnd();
    return true;
  };
  onMount(() => onResize(scroller!, stayAtBottom));

  const onScroll = () => {
    // Pinned, with new bubbles rendered and the scroll to them due this frame: a scroll event now
    // comes from the content changing, not from the reader, and must not unpin the list. Nor must
    // one read at a size not handled yet (above).
    if (
      !scroller ||
      (scrollQueued && win.pinned()) ||
      (height !== undefined && scroller.clientHeight !== height && stayAtBottom())
    )
      return;
    const bottom =
      scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < NEAR_BOTTOM_PX;
    // More below than rendered: the next chunk goes under the reader.
    if (bottom && win.range().end < bubbles().length) {
      keepingPlace(scroller, BUBBLE, () => win.later());
      return;
    }
    setAtBottom(bottom);
    if (bottom) {
      if (!win.pinned()) toBottom();
      setBelow(0);
    } else {
      // Leaving the bottom: what is rendered stays put while new messages arrive.
      win.hold();
      setBelow(countBelow());
    }
    if (scroller.scrollTop < NEAR_TOP_PX) void showEarlier();
  };

  return (
    <div class="hm-messages-wrap">
      {/* Not a live region itself (see above): `aria-live="off"` overrides the one `log` implies. */}
      {/* A Tab stop, so that the history can be scrolled from the keyboard. */}
      <div
        ref={scroller}
        class="hm-messages"
        role="log"
        aria-live="off"
        aria-label={t.messages}
        tabIndex={0}
        onScroll={onScroll}
      >
        <Show when={loadingOlder()}>
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
      <Show when={!atBottom()}>
        <button
          type="button"
          class="hm-button hm-jump"
          aria-label={below() > 0 ? `${t.jumpToLatest}, ${t.below(below())}` : t.jumpToLatest}
          onClick={toBottom}
        >
          ↓{below() > 0 ? ` ${below()}` : ''}
        </button>
      </Show>
      <p class="hm-sr" aria-live="polite">
        {heard()}
      </p>
    </div>
  );
}
