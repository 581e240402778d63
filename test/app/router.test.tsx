import { createMemoryHistory, MemoryRouter, Route } from '@solidjs/router';
import { render } from 'solid-js/web';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useIslandRouter } from '../../src/app/router.ts';
import type { IslandRouter } from '../../src/ui/index.ts';

const disposers: (() => void)[] = [];
afterEach(() => {
  for (const dispose of disposers.splice(0)) dispose();
});

/** The adapter for `/as/alice`, inside a memory router that starts at `url`. */
function setup(url: string) {
  const history = createMemoryHistory();
  history.set({ value: url });
  let router!: IslandRouter;
  const host = document.createElement('div');
  disposers.push(
    render(
      () => (
        <MemoryRouter history={history}>
          <Route
            path="/as/:key/*rest"
            component={() => {
              router = useIslandRouter('/as/alice');
              return <p>{router.path()}</p>;
            }}
          />
        </MemoryRouter>
      ),
      host,
    ),
  );
  return { history, router, host };
}

describe('useIslandRouter (the island over @solidjs/router)', () => {
  it('gives the island its path under the base', () => {
    expect(setup('/as/alice').router.path()).toBe('/');
    expect(setup('/as/alice/').router.path()).toBe('/');
    expect(setup('/as/alice/chat/conv%201').router.path()).toBe('/chat/conv%201');
    expect(setup('/as/alice/new?context=x').router.path()).toBe('/new');
  });

  it('navigates the page under the base, keeps the query, pushes or replaces, and follows back', async () => {
    const { history, router, host } = setup('/as/alice?context=team');
    // The router navigates in a transition: the URL changes a moment later.
    const at = (url: string, path: string) =>
      vi.waitFor(() => {
        expect(history.get()).toBe(url);
        expect(router.path()).toBe(path);
      });
    router.navigate('/chat/c1');
    await at('/as/alice/chat/c1?context=team', '/chat/c1');
    router.navigate('/chat/c2', { replace: true });
    await at('/as/alice/chat/c2?context=team', '/chat/c2');
    router.navigate('/');
    await at('/as/alice?context=team', '/');
    history.back();
    await at('/as/alice/chat/c2?context=team', '/chat/c2');
    expect(host.textContent).toBe('/chat/c2');
    // c1 was replaced by c2: one step back is the start.
    history.back();
    await at('/as/alice?context=team', '/');
  });
});
