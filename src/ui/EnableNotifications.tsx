import { Show } from 'solid-js';
import { useIsland } from './context.ts';

/** "Enable notifications", while the island may notify (`notify`) and the person has not yet said yes or no. */
export function EnableNotifications() {
  const { notifications, t } = useIsland();
  return (
    <Show when={notifications?.permission() === 'default'}>
      <button type="button" class="hm-link hm-notify" onClick={() => notifications!.ask()}>
        {t.enableNotifications}
      </button>
    </Show>
  );
}
