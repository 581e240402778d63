import { Show, type Accessor } from 'solid-js';
import type { Receipt } from '../protocol/index.ts';
import type { Bubble, SendFailure } from '../sync/index.ts';
import { useIsland } from './context.ts';
import { clockTime, contactName, dayLabel, sameDay, sameGroup } from './format.ts';
import { MessageActions, pressToOpen } from './MessageActions.tsx';
import { MessageText } from './MessageText.tsx';
import type { Strings } from './strings.ts';

/** Why a send failed, in the island's words. */
const failure = (t: Strings, f: SendFailure) =>
  f.why === 'refused'
    ? t.failedRefused(f.said)
    : f.why === 'trouble'
      ? t.failedTrouble(f.status)
      : f.why === 'closed'
        ? t.failedClosed
        : t.failedUnreachable;

/**
 * One message: a day separator when it starts a day, the sender's name in a group chat when a run of
 * messages from one sender starts, the text, the time and its delivery state (sending, sent, or failed:
 * why, in words, with Retry and Discard). Messages of one sender a few minutes apart are drawn as one
 * group (`sameGroup`): close together, the last with the tail. `before` and `after` are the messages
 * around it (undefined at the chat's ends).
 */
export function MessageBubble(props: {
  bubble: Accessor<Bubble>;
  before: Accessor<Bubble | undefined>;
  after: Accessor<Bubble | undefined>;
  group: boolean;
  /** Who has read up to this message, when it is the newest own one someone has. */
  seen: Accessor<readonly Receipt[] | undefined>;
  onEdit(bubble: Bubble): void;
}) {
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
  const actionable = () => session.editor.can('edit', b()) || session.editor.can('delete', b());
  let openActions: (() => void) | undefined;
  const seenText = () => {
    const readers = props.seen();
    if (!readers) return '';
    return props.group
      ? t.seenBy(readers.map((r) => contactName(r.reader_key, session.store.view().contacts)))
      : t.seen;
  };
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
          <span class="hm-sender" dir="auto">
            {contactName(b().sender_public_key, session.store.view().contacts)}
          </span>
        </Show>
        {/* `dir="auto"` on the block: a Latin message in a right-to-left host reads, and aligns, left to right. */}
        {/* A long press or a right click opens the actions (read when it happens). */}
        {/* The bubble and its actions, which are placed against it. */}
        <div class="hm-line">
          <div
            class="hm-bubble"
            dir="auto"
            classList={{ 'hm-deleted': !!b().deleted }}
            ref={(el) =>
              // eslint-disable-next-line solid/reactivity -- read when the press happens
              pressToOpen(el, () => !!(actionable() && openActions) && (openActions(), true))
            }
          >
            <Show when={!b().deleted} fallback={<span class="hm-text">{t.messageDeleted}</span>}>
              <MessageText text={b().content} />
            </Show>
            <span class="hm-meta">
              <Show when={b().edited}>{`${t.edited} `}</Show>
              {/* Its own `dir`: skipped when the bubble finds its direction, which the time must not decide. */}
              <time dir="auto" dateTime={new Date(b().time).toISOString()}>
                {clockTime(b().time, locale())}
              </time>
              <Show when={b().status === 'sending'}>
                <span class="hm-tick" aria-label={t.sending}>
                  {' '}
                  ⏱
                </span>
              </Show>
              <Show when={b().status === 'sent' && own() && !b().deleted}>
                <span class="hm-tick" aria-label={t.sent}>
                  {' '}
                  ✓
                </span>
              </Show>
            </span>
          </div>
          <Show when={actionable()}>
            <MessageActions
              bubble={b}
              onEdit={props.onEdit}
              bindPress={(open) => (openActions = open)}
            />
          </Show>
        </div>
        <Show when={seenText()}>
          {/* The time shows on hover and on focus. */}
          <span class="hm-seen" tabIndex={0}>
            {seenText()}
            <span class="hm-seen-time">
              {' '}
              · {clockTime(Math.max(...props.seen()!.map((r) => r.read_at)) * 1000, locale())}
            </span>
          </span>
        </Show>
        <Show when={b().unsaved}>
          <div class="hm-failed-note hm-unsaved">{t.unsaved}</div>
        </Show>
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
