import { createEffect, on, Show } from 'solid-js';
import { ChatView } from './ChatView.tsx';
import { ConversationList } from './ConversationList.tsx';
import { useIsland } from './context.ts';
import { NewConversation } from './NewConversation.tsx';
import { chatSid, createIslandRouter, type IslandRouter, type Routing } from './routing.ts';

export type { IslandRouter, Routing } from './routing.ts';

/** The list beside the open chat (or the new-conversation form), routed `/`, `/chat/:sid`, `/new`. */
export function IslandApp(props: { routing: Routing | IslandRouter; onOpen?: (sid: string | undefined) => void }) {
  const { session } = useIsland();
  // The element restarts the island when `routing` changes, so it is read once.
  // eslint-disable-next-line solid/reactivity
  const route = createIslandRouter(props.routing);
  const sid = () => chatSid(route.path());
  const creating = () => route.path() === '/new';
  const openChat = (s: string, replace = false) => route.navigate(`/chat/${encodeURIComponent(s)}`, { replace });

  createEffect(
    on(sid, (current) => {
      session.open(current);
      props.onOpen?.(current);
    }),
  );

  return (
    <div class="hm-root" data-view={sid() || creating() ? 'chat' : 'list'}>
      <ConversationList openSid={sid()} onOpen={openChat} onNew={() => route.navigate('/new')} />
      <main class="hm-pane">
        <Show when={creating()} fallback={<ChatView sid={sid()} onBack={() => route.navigate('/')} />}>
          <NewConversation onCreated={(s) => openChat(s, true)} onCancel={() => route.navigate('/')} />
        </Show>
      </main>
    </div>
  );
}
