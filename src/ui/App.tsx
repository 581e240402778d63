import { createEffect, createMemo, on, Show } from 'solid-js';
import { ChatView } from './ChatView.tsx';
import { ConversationList, type ListHandle } from './ConversationList.tsx';
import { useIsland } from './context.ts';
import { NewConversation } from './NewConversation.tsx';
import { chatSid, type IslandRouter } from './routing.ts';

/**
 * The list beside the open chat (or the new-conversation form), routed `/`, `/chat/:sid`, `/new`.
 * Focus follows the person's moves, as in the chat apps they know: opening a chat puts it in the
 * composer, going back (← or Esc) on that chat's row, New chat in its form, Cancel on New chat.
 */
export function IslandApp(props: {
  router: IslandRouter;
  onOpen?: (sid: string | undefined) => void;
}) {
  const { session } = useIsland();
  // The island makes the router once (the element restarts the island when `routing` changes).
  // eslint-disable-next-line solid/reactivity
  const route = props.router;
  // A memo: every row of the list and the chat read it, on each render of a burst.
  const sid = createMemo(() => chatSid(route.path()));
  const creating = () => route.path() === '/new';
  let root!: HTMLDivElement;
  let list: ListHandle | undefined;
  // Where focus goes once the path a person's action asked for is shown (a host's router may show
  // it later): only then, so that a host navigating on its own never has focus taken from it.
  let focusAt: { path: string; focus(): void } | undefined;

  /** Focuses the first of `selectors` that can take focus (a hidden control cannot). */
  const focusFirst = (...selectors: string[]) => {
    for (const selector of selectors) {
      const el = root.querySelector<HTMLElement>(selector);
      el?.focus();
      if (el && (root.getRootNode() as Document | ShadowRoot).activeElement === el) return;
    }
  };
  const go = (path: string, focus: () => void, replace = false) => {
    focusAt = { path, focus };
    route.navigate(path, { replace });
  };
  const openChat = (s: string, replace = false) =>
    go(
      `/chat/${encodeURIComponent(s)}`,
      () => focusFirst('.hm-input', '.hm-chat .hm-back'),
      replace,
    );
  /** Back to the list, on the row of the chat that was open. */
  const back = () => {
    const was = sid();
    go('/', () =>
      was === undefined ? focusFirst('.hm-list-header .hm-button') : list?.focus(was),
    );
  };

  createEffect(
    on(sid, (current) => {
      session.open(current);
      props.onOpen?.(current);
    }),
  );
  createEffect(
    on(route.path, (path) => {
      const pending = focusAt;
      focusAt = undefined;
      // After this update has reached the DOM: the list may have to render the row first.
      if (pending?.path === path) queueMicrotask(pending.focus);
    }),
  );

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || e.isComposing || e.defaultPrevented || (!sid() && !creating()))
      return;
    e.preventDefault();
    back();
  };

  return (
    <div ref={root} class="hm-root" data-view={sid() || creating() ? 'chat' : 'list'}>
      <ConversationList
        openSid={sid()}
        onOpen={openChat}
        onNew={() => go('/new', () => focusFirst('.hm-new input', '.hm-new .hm-cancel'))}
        handle={(h) => (list = h)}
      />
      <div class="hm-pane" onKeyDown={onKeyDown}>
        <Show when={creating()} fallback={<ChatView sid={sid()} onBack={back} />}>
          <NewConversation onCreated={(s) => openChat(s, true)} onCancel={back} />
        </Show>
      </div>
    </div>
  );
}
