import { Match, Switch } from 'solid-js';
import { useIsland } from './context.ts';
import { secondsUntil } from './format.ts';

/** The connection, in words: Live, Connecting…, Reconnecting in 4 s… Retry now, Offline, Not authorised. */
export function StatusPill() {
  const { session, now, t } = useIsland();
  const status = session.status;
  const seconds = () => {
    const s = status();
    return s.state === 'reconnecting' ? secondsUntil(s.at, now()) : 0;
  };
  return (
    <span class="hm-status" data-state={status().state} role="status">
      <Switch>
        <Match when={status().state === 'live'}>{t.live}</Match>
        <Match when={status().state === 'connecting'}>{t.connecting}</Match>
        <Match when={status().state === 'reconnecting'}>
          {t.reconnectingIn(seconds())}{' '}
          <button type="button" class="hm-link" onClick={() => session.retryNow()}>
            {t.retryNow}
          </button>
        </Match>
        <Match when={status().state === 'offline'}>
          {t.offline}{' '}
          <button type="button" class="hm-link" onClick={() => session.retryNow()}>
            {t.retryNow}
          </button>
        </Match>
        <Match when={status().state === 'unauthorized'}>{t.notAuthorised}</Match>
      </Switch>
    </span>
  );
}
