import {
  A,
  useLocation,
  useNavigate,
  useParams,
  useSearchParams,
  type RouteSectionProps,
} from '@solidjs/router';
import { createEffect, createMemo, Show } from 'solid-js';
import { Island } from '../ui/index.ts';
import '../ui/styles.css';
import { useIslandRouter } from './router.ts';
import { label, Picker, ShellHeader } from './Shell.tsx';

/**
 * `/as/:key` and its children (`/as/:key/chat/:sid`, `/as/:key/new`): one island on the whole page,
 * as `key`, its place in the page's path. It mounts the `Island` component, not the custom element,
 * so the page has no shadow root and no `hm-*` events. The island stays mounted while its child route
 * changes; another key or `?context=` starts a new one.
 */
export function OneIsland(_props: RouteSectionProps) {
  const params = useParams<{ key: string }>();
  const [search] = useSearchParams<{ context?: string }>();
  const location = useLocation();
  const navigate = useNavigate();
  const identity = createMemo(
    () => ({ key: params.key, context: search.context ?? 'demo' }),
    undefined,
    {
      equals: (a, b) => a?.key === b.key && a.context === b.context,
    },
  );
  createEffect(() => (document.title = `${label(params.key)} · hero-messaging`));
  return (
    <>
      <ShellHeader>
        You are{' '}
        <Picker
          selected={params.key}
          label="You are"
          onChange={(key) => navigate(`/as/${encodeURIComponent(key)}${location.search}`)}
        />{' '}
        <A href="/">two islands</A>
      </ShellHeader>
      <main id="app" class="single">
        <Show when={identity()} keyed>
          {(who) => <RoutedIsland publicKey={who.key} context={who.context} />}
        </Show>
      </main>
    </>
  );
}

function RoutedIsland(props: { publicKey: string; context: string }) {
  // Keyed by the identity above: a new one is a new island, so the props are read once.
  // eslint-disable-next-line solid/reactivity
  const router = useIslandRouter(`/as/${encodeURIComponent(props.publicKey)}`);
  return (
    <div class="frame">
      <div class="hm-host">
        <Island
          baseUrl=""
          context={props.context}
          publicKey={props.publicKey}
          routing={router}
          shareAcrossTabs
        />
      </div>
    </div>
  );
}
