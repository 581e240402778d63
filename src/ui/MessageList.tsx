import { createEffect, createSignal, For, on, Show } from 'solid-js';
import type { Bubble } from '../sync/index.ts';
import { useIsland } from './context.ts';
import { clockTime, contactName, dayLabel, sameDay } from './format.ts';

const NEAR_BOTTOM_PX = 48;
const NEAR_TOP_PX = 80;

/**
 * The open chat's bubbles. Stays pinned to the bottom while the reader is there; otherwise counts
 * what arrived below and offers to jump. Scrolling to the top loads older pages without a jump.
 */
export function MessageList(props: { group: boolean }) {
  const { session, me, now } = useIsland();
  const state = session.store.state;
  const bubbles = () => session.store.bubbles;
  const [atBottom, setAtBottom] = createSignal(true);
  const [unseen, setUnseen] = createSignal(0);
  const [loadingOlder, setLoadingOlder] = createSignal(false);
  let scroller: HTMLDivElement | undefined;

  const toBottom = () => {
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
    setUnseen(0);
    setAtBottom(true);
  };

  createEffect(
    on(
      () => state.open?.sid,
      () => {
        setUnseen(0);
        queueMicrotask(toBottom);
      },
    ),
  );

  createEffect(
    on(
      () => {
        const list = bubbles();
        return { length: list.length, last: list[list.length - 1] };
      },
      (current, previous) => {
        if (!previous || !current.last || current.last === previous.last) return;
        const added = Math.max(1, current.length - previous.length);
        if (atBottom() || current.last.sender_public_key === me) toBottom();
        else setUnseen((n) => n + added);
      },
    ),
  );

  const onScroll = async () => {
    if (!scroller) return;
    const bottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < NEAR_BOTTOM_PX;
    setAtBottom(bottom);
    if (bottom) setUnseen(0);
    if (scroller.scrollTop < NEAR_TOP_PX && state.open?.hasOlder && !loadingOlder()) {
      setLoadingOlder(true);
      const height = scroller.scrollHeight;
      const top = scroller.scrollTop;
      try {
        await session.loadOlder();
        scroller.scrollTop = top + (scroller.scrollHeight - height);
      } catch (error) {
        console.warn(`[hero-messaging] could not load older messages: ${(error as Error).message}`);
      } finally {
        setLoadingOlder(false);
      }
    }
  };

  const showDay = (b: Bubble, i: number) => i === 0 || !sameDay(bubbles()[i - 1]!.time, b.time);
  const showSender = (b: Bubble, i: number) =>
    props.group && b.sender_public_key !== me && (showDay(b, i) || bubbles()[i - 1]!.sender_public_key !== b.sender_public_key);

  return (
    <div class="hm-messages-wrap">
      <div ref={scroller} class="hm-messages" role="log" aria-live="polite" aria-label="Messages" onScroll={onScroll}>
        <Show when={loadingOlder()}>
          <p class="hm-older">Loading older messages…</p>
        </Show>
        <Show when={state.open?.loaded && bubbles().length === 0}>
          <p class="hm-empty">No messages yet. Say hello!</p>
        </Show>
        <For each={bubbles()}>
          {(b, i) => (
            <>
              <Show when={showDay(b, i())}>
                <div class="hm-day" role="separator">
                  {dayLabel(b.time, now())}
                </div>
              </Show>
              <div
                class="hm-msg"
                classList={{ 'hm-own': b.sender_public_key === me, 'hm-pending': b.status === 'sending', 'hm-failed': b.status === 'failed' }}
                data-key={b.key}
                data-status={b.status}
              >
                <Show when={showSender(b, i())}>
                  <span class="hm-sender">{contactName(b.sender_public_key, state.contacts)}</span>
                </Show>
                <div class="hm-bubble">
                  <span class="hm-text">{b.content}</span>
                  <span class="hm-meta">
                    <time dateTime={new Date(b.time).toISOString()}>{clockTime(b.time)}</time>
                    <Show when={b.status === 'sending'}>
                      <span class="hm-tick" aria-label="Sending">
                        {' '}
                        ⏱
                      </span>
                    </Show>
                    <Show when={b.status === 'sent' && b.sender_public_key === me}>
                      <span class="hm-tick" aria-label="Sent">
                        {' '}
                        ✓
                      </span>
                    </Show>
                  </span>
                </div>
                <Show when={b.status === 'failed'}>
                  <div class="hm-failed-note" title={b.error}>
                    Not sent.{' '}
                    <button type="button" class="hm-link" onClick={() => session.retry(b.nonce!)}>
                      Retry
                    </button>{' '}
                    <button type="button" class="hm-link" onClick={() => session.discard(b.nonce!)}>
                      Discard
                    </button>
                  </div>
                </Show>
              </div>
            </>
          )}
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
