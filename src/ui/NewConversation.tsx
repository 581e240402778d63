import { Key } from '@solid-primitives/keyed';
import { createSignal, Show } from 'solid-js';
import { LIMITS } from '../protocol/index.ts';
import { Avatar } from './Avatar.tsx';
import { useIsland } from './context.ts';

/** Find and pick one or more contacts (each with an avatar) and, for a group, an optional name. */
export function NewConversation(props: { onCreated(sid: string): void; onCancel(): void }) {
  const { session, me, t } = useIsland();
  const [picked, setPicked] = createSignal<string[]>([]);
  const [name, setName] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const [query, setQuery] = createSignal('');
  const others = () => session.store.view().contacts.filter((c) => c.public_key !== me);
  // Those picked stay picked while a search hides them.
  const shown = () =>
    others().filter((c) => c.name.toLocaleLowerCase().includes(query().trim().toLocaleLowerCase()));
  const toggle = (key: string) =>
    setPicked((p) => (p.includes(key) ? p.filter((k) => k !== key) : [...p, key]));

  const create = async (e: Event) => {
    e.preventDefault();
    if (picked().length === 0 || busy()) return;
    setBusy(true);
    setError(undefined);
    try {
      props.onCreated(await session.startConversation(picked(), name()));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="hm-new" onSubmit={create} aria-label={t.newConversation}>
      <header class="hm-chat-header">
        <button type="button" class="hm-back" onClick={() => props.onCancel()} aria-label={t.back}>
          ←
        </button>
        <h2>{t.newConversation}</h2>
      </header>
      <div class="hm-new-body">
        <input
          type="search"
          class="hm-textfield"
          aria-label={t.findPeople}
          placeholder={t.findPeople}
          value={query()}
          onInput={(e) => setQuery(e.currentTarget.value)}
        />
        <fieldset class="hm-new-people">
          <legend>{t.people}</legend>
          <Show when={others().length > 0} fallback={<p class="hm-empty">{t.loadingContacts}</p>}>
            <Key
              each={shown()}
              by={(contact) => contact}
              fallback={<p class="hm-empty">{t.nobodyFound}</p>}
            >
              {(contact) => (
                <label class="hm-check">
                  <Avatar name={contact().name} seed={contact().public_key} />
                  <span class="hm-check-name" dir="auto">
                    {contact().name}
                  </span>
                  <input
                    type="checkbox"
                    checked={picked().includes(contact().public_key)}
                    onChange={() => toggle(contact().public_key)}
                  />
                </label>
              )}
            </Key>
          </Show>
        </fieldset>
        <Show when={picked().length > 1}>
          <label class="hm-field">
            {t.groupName}
            <input
              class="hm-textfield"
              maxLength={LIMITS.nameMax}
              value={name()}
              onInput={(e) => setName(e.currentTarget.value)}
            />
          </label>
        </Show>
        <div class="hm-new-actions">
          <button type="submit" class="hm-button" disabled={picked().length === 0 || busy()}>
            {picked().length > 1 ? t.createGroup : t.startChat}
          </button>
          <button type="button" class="hm-button hm-cancel" onClick={() => props.onCancel()}>
            {t.cancel}
          </button>
          <span role="alert" class="hm-composer-error">
            {error() ?? ''}
          </span>
        </div>
      </div>
    </form>
  );
}
