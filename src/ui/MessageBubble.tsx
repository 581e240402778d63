import { Show, type Accessor } from 'solid-js';
import type { Bubble, SendFailure } from '../sync/index.ts';
import { useIsland } from './context.ts';
import { clockTime, contactName, dayLabel, sameDay, sameGroup } from './format.ts';
import { MessageText } from './MessageText.tsx';
import type { Strings } from './strings.ts';

/** Why a send failed, in the island's words. */
const failure = (t: Strings, f: SendFailure) =>
  f.why === 'refused' ? t.failedRefused(f.said) : f.why === 'trouble' ? t.failedTrouble(f.status) : f.why === 'closed' ? t.failedClosed : t.failedUnreachable;

/**
 * One message: a day separator when it starts a day, the sender's name in a group chat when a run of
 * messages from one sender starts, the text, the time and its delivery state (sending, sent, or failed:
 * why, in words, with Retry and Discard). Messages of one sender a few minutes apart are drawn as one
 * group (`sameGroup`): close together, the last with the tail. `before` and `after` are the messages
 * around it (undefined at the chat's ends).
 */
export function MessageBubble(props: { bubble: Accessor<Bubble>; before: Accessor<Bubble | undefined>; after: Accessor<Bubble | undefined>; group: boolean }) {
  const { session, me, now, t, locale } = useIsland();
  const b = () => props.bubble();
  const own = () => b().sender_public_key === me;
  const newDay = () => {
    const before = props.before();
    return !before || !sameDay(before.time, b().time);
  };
  /** Retry and Discard take their note away, and focus with it: it goes to the composer, the next thing to do. */
  const act = (e: MouseEvent & { currentTarget: HTMLElement }, action: 'retry' | 'discard') => {
    const input = e.currentTarget.closest('.hm-chat')?.querySelector<HTMLElement>('.hm-input');
    session[action](b().nonce!);
    input?.focus();
  };
  const continues = () => sameGroup(props.before(), b());
  const showSender = () => props.group && !own() && !continues();
  return (
    <>
      <Show when={newDay()}>
        <div class="hm-day" role="separator">
          {dayLabel(b().time, now(), locale())}
        </div>
      </Show>
      <div
        class="hm-msg"
        classList={{
          'hm-own': own(),
          'hm-pending': b().status === 'sending',
          'hm-failed': b().status === 'failed',
          'hm-cont': continues(),
          'hm-tail': !sameGroup(b(), props.after()),
        }}
        data-key={b().key}
        data-status={b().status}
      >
        <Show when={showSender()}>
          <span class="hm-sender" dir="auto">{contactName(b().sender_public_key, session.store.view().contacts)}</span>
        </Show>
        {/* `dir="auto"` on the block: a Latin message in a right-to-left host reads, and aligns, left to right. */}
        <div class="hm-bubble" dir="auto">
          <MessageText text={b().content} />
          <span class="hm-meta">
            {/* Its own `dir`: skipped when the bubble finds its direction, which the time must not decide. */}
            <time dir="auto" dateTime={new Date(b().time).toISOString()}>{clockTime(b().time, locale())}</time>
            <Show when={b().status === 'sending'}>
              <span class="hm-tick" aria-label={t.sending}>
                {' '}
                ⏱
              </span>
            </Show>
            <Show when={b().status === 'sent' && own()}>
              <span class="hm-tick" aria-label={t.sent}>
                {' '}
                ✓
              </span>
            </Show>
          </span>
        </div>
        <Show when={b().status === 'failed'}>
          <div class="hm-failed-note">
            {b().failure ? t.notSentWhy(failure(t, b().failure!)) : t.notSent}{' '}
            <button type="button" class="hm-link" onClick={(e) => act(e, 'retry')}>
              {t.retry}
            </button>
            {' · '}
            <button type="button" class="hm-link" onClick={(e) => act(e, 'discard')}>
              {t.discard}
            </button>
          </div>
        </Show>
      </div>
    </>
  );
}
