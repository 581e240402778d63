import { useLocation, useNavigate } from '@solidjs/router';
import { createMemo } from 'solid-js';
import type { IslandRouter } from '../ui/index.ts';

/**
 * The island's router over `@solidjs/router`, for a page that owns its URL: the island's `/chat/x`
 * is the page's `${base}/chat/x`, with the page's query string kept. Call it inside a `<Router>`.
 */
export function useIslandRouter(base: string): IslandRouter {
  const location = useLocation();
  const navigate = useNavigate();
  const path = createMemo(() => {
    const page = location.pathname;
    return page.startsWith(base) ? page.slice(base.length) || '/' : '/';
  });
  return {
    path,
    navigate(to, options) {
      // The page's layout is fixed: nothing to scroll on navigation.
      navigate(`${base}${to === '/' ? '' : to}${location.search}`, {
        replace: options?.replace ?? false,
        scroll: false,
      });
    },
  };
}
