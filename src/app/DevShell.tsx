import { A, Navigate, useSearchParams } from '@solidjs/router';
import { createEffect, createSignal, For, Show } from 'solid-js';
import { defineHeroMessaging } from '../element.tsx';
import { Picker, ShellHeader } from './Shell.tsx';

type Side = 'left' | 'right';

/**
 * `/`: two `<hero-messaging>` elements side by side (`?left=alice&right=bob` by default), each with
 * its unread total and status in its own bar, as a host page would show them. `/?as=key`, the old
 * address of one island, goes to `/as/key`.
 */
export function DevShell() {
  const [params, setParams] = useSearchParams<{
    left?: string;
    right?: string;
    context?: string;
    as?: string;
  }>();
  const context = () => params.context ?? 'demo';
  return (
    <Show
      when={!params.as}
      fallback={
        <Navigate
          href={`/as/${encodeURIComponent(params.as!)}${params.context ? `?context=${encodeURIComponent(params.context)}` : ''}`}
        />
      }
    >
      <ShellHeader>
        <A href={`/as/${encodeURIComponent(params.left ?? 'alice')}`}>one island</A>
      </ShellHeader>
      <main id="app" class="pair">
        <For each={['left', 'right'] as Side[]}>
          {(side) => (
            <Pane
              who={params[side] ?? (side === 'left' ? 'alice' : 'bob')}
              context={context()}
              onPick={(key) => setParams({ [side]: key }, { replace: true })}
            />
          )}
        </For>
      </main>
    </Show>
  );
}

/** One element and its bar: who it is (switchable), its unread total and its connection state. */
function Pane(props: { who: string; context: string; onPick: (key: string) => void }) {
  defineHeroMessaging();
  const [unread, setUnread] = createSignal(0);
  const [status, setStatus] = createSignal('connecting');
  const el = document.createElement('hero-messaging');
  el.className = 'frame';
  el.setAttribute('osis-url', '/');
  el.addEventListener('hm-unread', (e) => setUnread(e.detail.total));
  el.addEventListener('hm-status', (e) => setStatus(e.detail.status));
  // A changed identity restarts the element for it.
  createEffect(() => el.setAttribute('context', props.context));
  createEffect(() => el.setAttribute('public-key', props.who));
  return (
    <section class="pane">
      <header class="pane-bar">
        <Picker selected={props.who} label="Who" onChange={(key) => props.onPick(key)} />
        <span class="pill">{unread()} unread</span>
        <span class="pill" data-state={status()}>
          {status()}
        </span>
      </header>
      {el}
    </section>
  );
}
