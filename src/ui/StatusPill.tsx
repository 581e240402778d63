import { Show } from 'solid-js';
import { waitsToRetry } from '../sync/index.ts';
import { useIsland } from './context.ts';
import { secondsUntil } from './format.ts';

/**
 * The connection, in words: Connecting…, Reconnecting in 4 s… Retry now, Offline Retry now, Not
 * authorised. Hidden while live, as chat apps do, and while the list, empty, says it in full.
 */
export function StatusPill() {
  const { session, now, t } = useIsland();
  const hidden = () =>
    status().state === 'live' || (!session.loaded() && status().state !== 'connecting');
  const status = session.status;
  const text = () => {
    const s = status();
    if (s.state === 'reconnecting') return t.reconnectingIn(secondsUntil(s.at, now()));
    return {
      live: t.live,
      connecting: t.connecting,
      offline: t.offline,
      unauthorized: t.notAuthorised,
    }[s.state];
  };
  return (
    <span class="hm-status" data-state={status().state} role="status" hidden={hidden()}>
      {text()}
      <Show when={waitsToRetry(status())}>
        {' '}
        <RetryNow />
      </Show>
    </span>
  );
}

/** Ends the wait before the next try of the connection: the status and the list's message offer it. */
export function RetryNow() {
  const { session, t } = useIsland();
  return (
    <button type="button" class="hm-link" onClick={() => session.retryNow()}>
      {t.retryNow}
    </button>
  );
}
