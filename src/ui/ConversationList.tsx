import { Key } from '@solid-primitives/keyed';
import { Show } from 'solid-js';
import { Avatar } from './Avatar.tsx';
import { useIsland } from './context.ts';
import { EnableNotifications } from './EnableNotifications.tsx';
import { contactName, conversationTitle, relativeTime } from './format.ts';

export interface ConversationListProps {
  openSid: string | undefined;
  onOpen(sid: string): void;
  onNew(): void;
}

/** Conversations by last activity, with preview, time and unread badge; arrow keys move between them. */
export function ConversationList(props: ConversationListProps) {
  const { session, me, now } = useIsland();
  const rows = () => session.store.view().conversations;
  const contacts = () => session.store.view().contacts;
  let list: HTMLUListElement | undefined;

  const onKeyDown = (e: KeyboardEvent) => {
    if (!list || !['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(e.key)) return;
    const items = [...list.querySelectorAll<HTMLButtonElement>('button.hm-conv')];
    const root = list.getRootNode() as Document | ShadowRoot;
    const at = items.indexOf(root.activeElement as HTMLButtonElement);
    const next =
      e.key === 'Home' ? 0 : e.key === 'End' ? items.length - 1 : Math.max(0, Math.min(items.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1)));
    items[next]?.focus();
    e.preventDefault();
  };

  return (
    <nav class="hm-list" aria-label="Conversations">
      <header class="hm-list-header">
        <h2>Chats</h2>
        <EnableNotifications />
        <button type="button" class="hm-button" onClick={() => props.onNew()}>
          New chat
        </button>
      </header>
      <Show
        when={rows().length > 0}
        fallback={<p class="hm-empty">No conversations yet. Start one with “New chat”.</p>}
      >
        <ul ref={list} class="hm-conv-list" onKeyDown={onKeyDown}>
          <Key each={rows()} by={(c) => c.sid}>
            {(conv) => {
              // A row's key is its sid: it never changes while the row lives.
              const sid = conv().sid;
              const title = () => conversationTitle(conv(), me, contacts());
              const unread = () => (sid === props.openSid ? 0 : conv().unread_count);
              return (
                <li>
                  <button
                    type="button"
                    class="hm-conv"
                    classList={{ 'hm-conv-unread': unread() > 0 }}
                    aria-current={sid === props.openSid ? 'page' : undefined}
                    data-sid={sid}
                    onClick={() => props.onOpen(sid)}
                  >
                    <Avatar name={title()} seed={sid} />
                    <span class="hm-conv-main">
                      <span class="hm-conv-top">
                        <span class="hm-conv-title">{title()}</span>
                        <time class="hm-conv-time" dateTime={new Date(conv().last_message_time).toISOString()}>
                          {relativeTime(conv().last_message_time, now())}
                        </time>
                      </span>
                      <span class="hm-conv-bottom">
                        <span class="hm-conv-preview">{conv().last_message || `Created with ${conv().participant_keys.filter((k) => k !== me).map((k) => contactName(k, contacts())).join(', ')}`}</span>
                        <Show when={unread() > 0}>
                          <span class="hm-badge" aria-label={`${unread()} unread`}>
                            {unread() > 99 ? '99+' : unread()}
                          </span>
                        </Show>
                      </span>
                    </span>
                  </button>
                </li>
              );
            }}
          </Key>
        </ul>
      </Show>
    </nav>
  );
}
