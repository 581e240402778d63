import { Match, Switch } from 'solid-js';
import { useIsland } from './context.ts';

/** The connection, in words: Live, Connecting…, Reconnecting in 4 s… Retry now, Offline, Not authorised. */
export function StatusPill() {
  const { session, now } = useIsland();
  const status = session.status;
  const seconds = () => {
    const s = status();
    return s.state === 'reconnecting' ? Math.max(1, Math.ceil((s.at - now()) / 1000)) : 0;
  };
  return (
    <span class="hm-status" data-state={status().state} role="status">
      <Switch>
        <Match when={status().state === 'live'}>Live</Match>
        <Match when={status().state === 'connecting'}>Connecting…</Match>
        <Match when={status().state === 'reconnecting'}>
          Reconnecting in {seconds()} s…{' '}
          <button type="button" class="hm-link" onClick={() => session.retryNow()}>
            Retry now
          </button>
        </Match>
        <Match when={status().state === 'offline'}>
          Offline{' '}
          <button type="button" class="hm-link" onClick={() => session.retryNow()}>
            Retry now
          </button>
        </Match>
        <Match when={status().state === 'unauthorized'}>Not authorised</Match>
      </Switch>
    </span>
  );
}
