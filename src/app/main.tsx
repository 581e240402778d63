// The page `npm run dev` serves: the standalone app. It owns its whole page, so it routes on real
// paths with @solidjs/router (the element keeps its own small routes; see src/ui/routing.ts):
//   /                     two <hero-messaging> elements side by side (?left=, ?right=, ?context=)
//   /as/:key              one island on the whole page, as `key`: the Solid component, not the element
//   /as/:key/chat/:sid    … with that chat open
//   /as/:key/new          … starting a new conversation
import { A, Route, Router } from '@solidjs/router';
import { render } from 'solid-js/web';
import { DevShell } from './DevShell.tsx';
import { OneIsland } from './OneIsland.tsx';
import { ShellHeader } from './Shell.tsx';

function NotFound() {
  return (
    <>
      <ShellHeader />
      <main id="app" class="single">
        <p role="alert">
          No page here. <A href="/">Back to the dev shell</A>
        </p>
      </main>
    </>
  );
}

render(
  () => (
    <Router>
      <Route path="/" component={DevShell} />
      <Route path="/as/:key" component={OneIsland}>
        <Route path="/" />
        <Route path="/chat/:sid" />
        <Route path="/new" />
      </Route>
      <Route path="*404" component={NotFound} />
    </Router>
  ),
  document.querySelector('#shell')!,
);
