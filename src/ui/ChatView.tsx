import { Show } from 'solid-js';
import { findRow } from '../sync/index.ts';
import { Avatar } from './Avatar.tsx';
import { Composer } from './Composer.tsx';
import { useIsland } from './context.ts';
import { conversationTitle, peopleLine } from './format.ts';
import { MessageList } from './MessageList.tsx';
import { StatusPill } from './StatusPill.tsx';

/** Header with name, people and connection; the messages; the composer. */
export function ChatView(props: { sid: string | undefined; onBack(): void }) {
  const { session, me, t } = useIsland();
  const state = () => session.store.view();
  const conv = () => (props.sid === undefined ? undefined : findRow(state().conversations, props.sid));
  const title = () => {
    const c = conv();
    return c ? conversationTitle(c, me, state().contacts, t.justYou) : props.sid ? t.loading : t.messages;
  };
  const people = () => {
    const c = conv();
    return c ? peopleLine(c.participant_keys, me, state().contacts, t.you) : '';
  };

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
          <Show when={people()}>
            <p class="hm-people" dir="auto">
              {people()}
            </p>
          </Show>
        </div>
        <StatusPill />
      </header>
      <Show when={props.sid} fallback={<p class="hm-empty hm-pick">{session.loaded() && session.status().state !== 'unauthorized' ? t.pick : ''}</p>}>
        <MessageList sid={props.sid!} group={(conv()?.participant_keys.length ?? 0) > 2} />
      </Show>
      <Composer sid={props.sid} disabled={!props.sid || session.status().state === 'unauthorized'} />
    </section>
  );
}
