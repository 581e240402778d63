import { createEffect, createMemo, createSignal, on, Show } from 'solid-js';
import { findRow, type Bubble } from '../sync/index.ts';
import { Avatar } from './Avatar.tsx';
import { Composer } from './Composer.tsx';
import { useIsland } from './context.ts';
import { contactName, conversationTitle, peopleLine } from './format.ts';
import { MessageList } from './MessageList.tsx';
import { StatusPill } from './StatusPill.tsx';

/** Header with name, people and connection; the messages; the composer. */
export function ChatView(props: { sid: string | undefined; onBack(): void }) {
  const { session, me, t } = useIsland();
  const state = () => session.store.view();
  const conv = () =>
    props.sid === undefined ? undefined : findRow(state().conversations, props.sid);
  const title = () => {
    const c = conv();
    return c
      ? conversationTitle(c, me, state().contacts, t.justYou)
      : props.sid
        ? t.loading
        : t.messages;
  };
  // A memo: every bubble reads it, and the conversation's row changes with each message.
  const group = createMemo(() => (conv()?.participant_keys.length ?? 0) > 2);
  const people = () => {
    const c = conv();
    return c ? peopleLine(c.participant_keys, me, state().contacts, t.you) : '';
  };
  // Who is typing takes the people line's place, as in chat apps; it is not announced each time.
  const typing = () => {
    const keys = props.sid === undefined ? [] : session.typing(props.sid);
    return keys.length > 0 ? t.typing(keys.map((k) => contactName(k, state().contacts))) : '';
  };
  // The own message being edited in the composer; none in another chat.
  const [editing, setEditing] = createSignal<Bubble>();
  createEffect(
    on(
      () => props.sid,
      () => setEditing(undefined),
      { defer: true },
    ),
  );

  return (
    // Named (a landmark) only with a chat open: two islands showing none must not have two "Messages".
    <section class="hm-chat" aria-label={props.sid ? title() : undefined}>
      <header class="hm-chat-header">
        <button type="button" class="hm-back" onClick={() => props.onBack()} aria-label={t.back}>
          ←
        </button>
        <Show when={conv()}>
          <Avatar name={title()} seed={props.sid ?? ''} />
        </Show>
        <div class="hm-chat-title">
          <h2 dir="auto">{title()}</h2>
          <Show when={typing() || people()}>
            <p class="hm-people" classList={{ 'hm-typing': !!typing() }} dir="auto">
              {typing() || people()}
            </p>
          </Show>
        </div>
        <StatusPill />
      </header>
      <Show
        when={props.sid}
        fallback={
          <p class="hm-empty hm-pick">
            {session.loaded() && session.status().state !== 'unauthorized' ? t.pick : ''}
          </p>
        }
      >
        <MessageList sid={props.sid!} group={group()} onEdit={setEditing} />
      </Show>
      <Composer
        sid={props.sid}
        disabled={!props.sid || session.status().state === 'unauthorized'}
        editing={editing()}
        onEditEnd={() => setEditing(undefined)}
      />
    </section>
  );
}
