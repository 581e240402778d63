import { createSignal, onCleanup, type Accessor } from 'solid-js';

export type Routing = 'memory' | 'hash';

/** The island's place: `/` (the list), `/chat/:sid` or `/new`. */
export interface Route {
  readonly path: Accessor<string>;
  navigate(to: string, options?: { replace?: boolean }): void;
}

/**
 * A history for the island's three routes. `memory` (the default) keeps it inside the island, so it
 * never touches the host's URL, history or scroll position; `hash` keeps it in `location.hash`, so
 * a chat can be linked to and the back button works. Call it under a Solid owner.
 */
export function createRoute(routing: Routing): Route {
  if (routing === 'memory') {
    const [path, setPath] = createSignal('/');
    return { path, navigate: (to) => setPath(to) };
  }
  const current = () => location.hash.slice(1) || '/';
  const [path, setPath] = createSignal(current());
  const sync = () => setPath(current());
  addEventListener('hashchange', sync);
  addEventListener('popstate', sync);
  onCleanup(() => {
    removeEventListener('hashchange', sync);
    removeEventListener('popstate', sync);
  });
  return {
    path,
    navigate(to, options) {
      if (options?.replace) history.replaceState(history.state, '', `#${to}`);
      else history.pushState(null, '', `#${to}`);
      setPath(to);
    },
  };
}

/** The open chat's sid in `/chat/:sid`, if that is where it is. */
export function chatSid(path: string): string | undefined {
  const match = /^\/chat\/([^/?#]+)\/?$/.exec(path);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return undefined;
  }
}
