import { createEffect, createMemo, createSignal, For, on, Show } from 'solid-js';
import { duringFrame } from './frames.ts';
import { useIsland } from './context.ts';
import { clockTime, contactName, dayLabel, sameDay } from './format.ts';
import { createKeyed } from './keyed.ts';

const NEAR_BOTTOM_PX = 48;
const NEAR_TOP_PX = 80;
/** Bubbles in the DOM while pinned to the bottom (more when the host is tall enough to show more). */
const PINNED = 30;
/** Bubbles added when the reader scrolls past an edge of what is rendered. */
const CHUNK = 40;
/** Never more bubbles than this in the DOM, however long the chat. */
const MAX = 200;

/**
 * The open chat's bubbles, windowed: only those near the viewport are in the DOM. Stays pinned to
 * the bottom while the reader is there; otherwise counts what arrived below and offers to jump.
 * Scrolling up renders earlier bubbles, then loads older pages, without moving what is on screen.
 */
export function MessageList(props: { group: boolean }) {
  const { session, me, now } = useIsland();
  const { view, bubbles } = session.store;
  // The first bubble rendered; none while pinned, when the newest PINNED are.
  const [startKey, setStartKey] = createSignal<string>();
  const [pinnedCount, setPinnedCount] = createSignal(PINNED);
  const range = createMemo(() => {
    const list = bubbles();
    const key = startKey();
    const at = key === undefined ? -1 : list.findIndex((b) => b.key === key);
    const start = at >= 0 ? at : Math.max(0, list.length - pinnedCount());
    return { start, end: at >= 0 ? Math.min(list.length, start + MAX) : list.length };
  });
  // eslint-disable-next-line solid/reactivity -- `range` is read inside createKeyed's memos.
  const keyed = createKeyed(bubbles, (b) => b.key, range);
  const [atBottom, setAtBottom] = createSignal(true);
  const [unseen, setUnseen] = createSignal(0);
  const [loadingOlder, setLoadingOlder] = createSignal(false);
  let scroller: HTMLDivElement | undefined;

  // Scrolled to the bottom once per frame, before it is painted: a burst of renders costs one layout.
  let scrollQueued = false;
  const toBottom = () => {
    setStartKey(undefined);
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
    while (startKey() === undefined && scroller.scrollHeight < scroller.clientHeight * 1.5 && range().start > 0 && pinnedCount() < MAX) {
      setPinnedCount((n) => Math.min(MAX, n + CHUNK));
    }
    scroller.scrollTop = scroller.scrollHeight;
    // Nothing to scroll yet, so no scroll event would ask for older messages: ask now.
    if (scroller.clientHeight > 0 && scroller.scrollHeight <= scroller.clientHeight && range().start === 0 && view().open?.hasOlder) void showEarlier();
  };

  /** Changes what is rendered while the bubble at the top of the viewport stays where it was. */
  const keepingPlace = (change: () => void) => {
    const top = scroller?.getBoundingClientRect().top ?? 0;
    const anchor = [...(scroller?.querySelectorAll<HTMLElement>('.hm-msg') ?? [])].find((el) => el.getBoundingClientRect().bottom > top);
    const offset = anchor ? anchor.getBoundingClientRect().top - top : 0;
    change();
    if (scroller && anchor?.isConnected) scroller.scrollTop += anchor.getBoundingClientRect().top - top - offset;
  };

  const showEarlier = async () => {
    const { start } = range();
    if (start > 0) {
      keepingPlace(() => setStartKey(bubbles()[Math.max(0, start - CHUNK)]!.key));
      return;
    }
    if (!view().open?.hasOlder || loadingOlder()) return;
    const first = bubbles()[0]?.key;
    setStartKey(first);
    setLoadingOlder(true);
    try {
      await session.loadOlder();
      session.store.flush();
    } catch (error) {
      console.warn(`[hero-messaging] could not load older messages: ${(error as Error).message}`);
    }
    const at = bubbles().findIndex((b) => b.key === first);
    keepingPlace(() => {
      setLoadingOlder(false);
      if (at >= 0) setStartKey(bubbles()[Math.max(0, at - CHUNK)]!.key);
    });
  };

  // A memo, so that only a change of chat (not every publication of the state) lands here.
  const openSid = createMemo(() => view().open?.sid);
  createEffect(
    on(openSid, () => {
      setUnseen(0);
      setPinnedCount(PINNED);
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
    if (!scroller || (scrollQueued && startKey() === undefined)) return;
    const bottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < NEAR_BOTTOM_PX;
    const { start, end } = range();
    const length = bubbles().length;
    if (bottom && end < length) {
      // More below than rendered: the next chunk goes under the reader.
      keepingPlace(() => setStartKey(bubbles()[Math.min(start + CHUNK, length - MAX)]!.key));
      return;
    }
    setAtBottom(bottom);
    if (bottom) {
      if (startKey() !== undefined) toBottom();
      setUnseen(0);
    } else if (startKey() === undefined) {
      // Leaving the bottom: what is rendered stays put while new messages arrive.
      setStartKey(bubbles()[start]?.key);
    }
    if (scroller.scrollTop < NEAR_TOP_PX) void showEarlier();
  };

  return (
    <div class="hm-messages-wrap">
      <div ref={scroller} class="hm-messages" role="log" aria-live="polite" aria-label="Messages" onScroll={onScroll}>
        <Show when={loadingOlder()}>
          <p class="hm-older">Loading older messages…</p>
        </Show>
        <Show when={view().open?.loaded && bubbles().length === 0}>
          <p class="hm-empty">No messages yet. Say hello!</p>
        </Show>
        <For each={keyed.keys()}>
          {(key) => {
            const row = keyed.item(key);
            const b = () => row().item;
            const own = () => b().sender_public_key === me;
            const newDay = () => {
              const before = row().before;
              return !before || !sameDay(before.time, b().time);
            };
            const showSender = () => props.group && !own() && (newDay() || row().before!.sender_public_key !== b().sender_public_key);
            return (
              <>
                <Show when={newDay()}>
                  <div class="hm-day" role="separator">
                    {dayLabel(b().time, now())}
                  </div>
                </Show>
                <div
                  class="hm-msg"
                  classList={{ 'hm-own': own(), 'hm-pending': b().status === 'sending', 'hm-failed': b().status === 'failed' }}
                  data-key={key}
                  data-status={b().status}
                >
                  <Show when={showSender()}>
                    <span class="hm-sender">{contactName(b().sender_public_key, view().contacts)}</span>
                  </Show>
                  <div class="hm-bubble">
                    <span class="hm-text">{b().content}</span>
                    <span class="hm-meta">
                      <time dateTime={new Date(b().time).toISOString()}>{clockTime(b().time)}</time>
                      <Show when={b().status === 'sending'}>
                        <span class="hm-tick" aria-label="Sending">
                          {' '}
                          ⏱
                        </span>
                      </Show>
                      <Show when={b().status === 'sent' && own()}>
                        <span class="hm-tick" aria-label="Sent">
                          {' '}
                          ✓
                        </span>
                      </Show>
                    </span>
                  </div>
                  <Show when={b().status === 'failed'}>
                    <div class="hm-failed-note" title={b().error}>
                      Not sent.{' '}
                      <button type="button" class="hm-link" onClick={() => session.retry(b().nonce!)}>
                        Retry
                      </button>{' '}
                      <button type="button" class="hm-link" onClick={() => session.discard(b().nonce!)}>
                        Discard
                      </button>
                    </div>
                  </Show>
                </div>
              </>
            );
          }}
        </For>
      </div>
      <Show when={unseen() > 0}>
        <button type="button" class="hm-button hm-jump" onClick={toBottom}>
          {unseen()} new {unseen() === 1 ? 'message' : 'messages'} ↓
        </button>
      </Show>
    </div>
  );
}
