import { createSignal, onCleanup, type Accessor } from 'solid-js';

/** The element's built-in routes: `memory` (the default) or `hash`. */
export type Routing = 'memory' | 'hash';

/**
 * The island's router: where it is (`/` the list, `/chat/:sid`, `/new`) and how to go elsewhere.
 * The island knows nothing else of URLs; an adapter maps these paths onto its host's routing.
 */
export interface IslandRouter {
  /** The island's current path. */
  readonly path: Accessor<string>;
  /** Goes to `to` (an island path); `replace` rewrites the current entry instead of adding one. */
  navigate(to: string, options?: { replace?: boolean }): void;
}

/** Routes kept inside the island: it never touches the host's URL, history or scroll position. */
export function createMemoryRouter(): IslandRouter {
  const [path, setPath] = createSignal('/');
  return { path, navigate: (to) => setPath(to) };
}

/**
 * Routes kept in `location.hash` (`#/chat/<sid>`), so a chat can be linked to and the back button
 * works. Listens to `hashchange`/`popstate` until its owner is disposed: call it under a Solid owner.
 */
export function createHashRouter(): IslandRouter {
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

/** The router for `routing`: a built-in one by name, or the host's own adapter as it is. */
export function createIslandRouter(routing: Routing | IslandRouter): IslandRouter {
  if (typeof routing !== 'string') return routing;
  return routing === 'hash' ? createHashRouter() : createMemoryRouter();
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
