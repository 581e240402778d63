import { HashRouter, MemoryRouter, Route, createMemoryHistory, useMatch, useNavigate } from '@solidjs/router';
import { createEffect, on, Show } from 'solid-js';
import { ChatView } from './ChatView.tsx';
import { ConversationList } from './ConversationList.tsx';
import { useIsland } from './context.ts';
import { NewConversation } from './NewConversation.tsx';

export type Routing = 'memory' | 'hash';

/** Routes `/` (list), `/chat/:sid` (a chat) and `/new`, on a memory history unless told `hash`. */
export function IslandApp(props: { routing: Routing; onOpen?: (sid: string | undefined) => void }) {
  const Shell = () => <Layout onOpen={props.onOpen} />;
  const routes = (
    <>
      <Route path="/" />
      <Route path="/chat/:sid" />
      <Route path="/new" />
      <Route path="*" />
    </>
  );
  return (
    <Show when={props.routing === 'hash'} fallback={<MemoryRouter history={createMemoryHistory()} root={Shell}>{routes}</MemoryRouter>}>
      <HashRouter root={Shell}>{routes}</HashRouter>
    </Show>
  );
}

function Layout(props: { onOpen?: (sid: string | undefined) => void }) {
  const { session } = useIsland();
  const navigate = useNavigate();
  const chat = useMatch(() => '/chat/:sid');
  const creating = useMatch(() => '/new');
  const sid = () => chat()?.params.sid;

  createEffect(
    on(sid, (current) => {
      session.open(current);
      props.onOpen?.(current);
    }),
  );

  return (
    <div class="hm-root" data-view={sid() || creating() ? 'chat' : 'list'}>
      <ConversationList openSid={sid()} onOpen={(s) => navigate(`/chat/${encodeURIComponent(s)}`)} onNew={() => navigate('/new')} />
      <main class="hm-pane">
        <Show when={creating()} fallback={<ChatView sid={sid()} onBack={() => navigate('/')} />}>
          <NewConversation onCreated={(s) => navigate(`/chat/${encodeURIComponent(s)}`, { replace: true })} onCancel={() => navigate('/')} />
        </Show>
      </main>
    </div>
  );
}
