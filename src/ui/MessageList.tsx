import { createEffect, createMemo, createSignal, on, Show } from 'solid-js';
import { duringFrame } from './frames.ts';
import { useIsland } from './context.ts';
import { MessageBubble } from './MessageBubble.tsx';
import { createWindow, keepingPlace, Windowed } from './window/index.ts';

const NEAR_BOTTOM_PX = 48;
const NEAR_TOP_PX = 80;
const BUBBLE = '.hm-msg';

/**
 * The open chat's bubbles, windowed: only those near the viewport are in the DOM (30 while pinned to
 * the bottom, more when the host is tall enough to show more, never more than 200). Stays pinned to
 * the bottom while the reader is there; otherwise counts what arrived below and offers to jump.
 * Scrolling up renders earlier bubbles, then loads older pages, without moving what is on screen.
 */
export function MessageList(props: { group: boolean }) {
  const { session, me, t } = useIsland();
  const { view, bubbles } = session.store;
  const win = createWindow({ list: bubbles, key: (b) => b.key, edge: 'end', pinned: 30, chunk: 40, max: 200 });
  const [atBottom, setAtBottom] = createSignal(true);
  const [unseen, setUnseen] = createSignal(0);
  const [loadingOlder, setLoadingOlder] = createSignal(false);
  let scroller: HTMLDivElement | undefined;

  // Scrolled to the bottom once per frame, before it is painted: a burst of renders costs one layout.
  let scrollQueued = false;
  const toBottom = () => {
    win.pin();
    setUnseen(0);
    setAtBottom(true);
    if (duringFrame()) {
      // Rendered at the start of a frame: layout happens now anyway.
      scrollToEnd();
      return;
    }
    if (scrollQueued) return;
    scrollQueued = true;
    requestAnimationFrame(() => {
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
    if (scroller.clientHeight > 0 && scroller.scrollHeight <= scroller.clientHeight && win.range().start === 0 && view().open?.hasOlder) void showEarlier();
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
    try {
      await session.loadOlder();
      session.store.flush();
    } catch (error) {
      console.warn(`[hero-messaging] could not load older messages: ${(error as Error).message}`);
    }
    keepingPlace(scroller, BUBBLE, () => {
      setLoadingOlder(false);
      win.earlier();
    });
  };

  // A memo, so that only a change of chat (not every publication of the state) lands here.
  const openSid = createMemo(() => view().open?.sid);
  createEffect(
    on(openSid, () => {
      setUnseen(0);
      win.reset();
      queueMicrotask(toBottom);
    }),
  );

  createEffect(
    on(
      () => {
        const list = bubbles();
        return { length: list.length, last: list[list.length - 1] };
      },
      (current, previous) => {
        if (!current.last || current.last.key === previous?.last?.key) return;
        if (atBottom() || (previous?.last && current.last.sender_public_key === me)) toBottom();
        else if (previous?.last) setUnseen((n) => n + Math.max(1, current.length - previous.length));
      },
    ),
  );

  const onScroll = () => {
    // Pinned, with new bubbles rendered and the scroll to them due this frame: a scroll event now
    // comes from the content changing, not from the reader, and must not unpin the list.
    if (!scroller || (scrollQueued && win.pinned())) return;
    const bottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < NEAR_BOTTOM_PX;
    // More below than rendered: the next chunk goes under the reader.
    if (bottom && win.range().end < bubbles().length) {
      keepingPlace(scroller, BUBBLE, () => win.later());
      return;
    }
    setAtBottom(bottom);
    if (bottom) {
      if (!win.pinned()) toBottom();
      setUnseen(0);
    } else {
      // Leaving the bottom: what is rendered stays put while new messages arrive.
      win.hold();
    }
    if (scroller.scrollTop < NEAR_TOP_PX) void showEarlier();
  };

  return (
    <div class="hm-messages-wrap">
      <div ref={scroller} class="hm-messages" role="log" aria-live="polite" aria-label={t.messages} onScroll={onScroll}>
        <Show when={loadingOlder()}>
          <p class="hm-older">{t.loadingOlder}</p>
        </Show>
        <Show when={view().open?.loaded && bubbles().length === 0}>
          <p class="hm-empty">{t.noMessages}</p>
        </Show>
        <Windowed of={win}>
          {(bubble, index) => {
            const before = createMemo(() => bubbles()[index() - 1]);
            return <MessageBubble bubble={bubble} before={before} group={props.group} />;
          }}
        </Windowed>
      </div>
      <Show when={unseen() > 0}>
        <button type="button" class="hm-button hm-jump" onClick={toBottom}>
          {t.newBelow(unseen())}
        </button>
      </Show>
    </div>
  );
}
