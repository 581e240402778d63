import { createEffect, createMemo, Show } from 'solid-js';
import { waitsToRetry } from '../sync/index.ts';
import { useIsland } from './context.ts';
import { secondsUntil } from './format.ts';
import { RetryNow } from './StatusPill.tsx';

/** Why New chat cannot work yet, in words, or undefined when it can. */
export function useNewChatBlocked(): () => string | undefined {
  const { session, t } = useIsland();
  return () =>
    session.status().state === 'unauthorized'
      ? t.notKnown
      : session.loaded()
        ? undefined
        : t.newChatLater;
}

/**
 * What the list says while it has no rows, and what to do next:
 * - the key is not known: the person is told in their words, the page's developer in the console;
 * - the server cannot be reached, or answers the list with an error or with one the island cannot
 *   read: it retries, or Retry now;
 * - there are simply no conversations: start one.
 * An empty list means "none" only once the server has sent it; until then, rows to come are sketched.
 */
export function ListState() {
  const { session, t, now, server, me } = useIsland();
  const status = session.status;
  const waiting = () => waitsToRetry(status());
  // Once a try has failed, the screen says so until the list is in, through the tries that follow.
  const failed = createMemo((was: boolean) => was || waiting(), false);
  const state = () =>
    status().state === 'unauthorized'
      ? 'unauthorized'
      : session.loaded()
        ? 'empty'
        : failed()
          ? 'unreachable'
          : 'loading';
  const problem = session.listProblem;
  createEffect(() => {
    if (state() === 'unauthorized')
      console.warn(
        `[hero-messaging] the server does not know public-key "${me}": check the element's public-key attribute`,
      );
  });
  const retryAt = () => {
    const s = status();
    return 'at' in s ? s.at : 0;
  };
  return (
    <div class="hm-empty hm-state" data-state={state()}>
      <Show when={state() === 'loading'}>
        <div class="hm-skel" aria-hidden="true" />
        <div class="hm-skel" aria-hidden="true" />
        <div class="hm-skel" aria-hidden="true" />
        <div class="hm-skel" aria-hidden="true" />
        <div class="hm-skel" aria-hidden="true" />
        <span class="hm-sr">{t.loadingChats}</span>
      </Show>
      <Show when={state() === 'unauthorized'}>{t.notKnown}</Show>
      <Show when={state() === 'empty'}>{t.noChats}</Show>
      <Show when={state() === 'unreachable'}>
        <p>
          {problem() === 'unreadable'
            ? t.listUnreadable(server)
            : problem() === 'failing'
              ? t.listFailing(server)
              : t.unreachable(server)}
        </p>
        <p>
          {waiting()
            ? retryAt() > 0
              ? t.retryingIn(secondsUntil(retryAt(), now()))
              : ''
            : t.tryingAgain}{' '}
          <Show when={waiting()}>
            <RetryNow />
          </Show>
        </p>
      </Show>
    </div>
  );
}
