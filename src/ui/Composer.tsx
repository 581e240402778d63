import { createEffect, createSignal, on, Show } from 'solid-js';
import { LIMITS } from '../protocol/index.ts';
import { DRAFT_MAX, type Bubble } from '../sync/index.ts';
import { useIsland } from './context.ts';
import { changeError } from './MessageActions.tsx';

/** The counter shows, and is announced, only this close to the limit. */
const NEAR_LIMIT = 200;

/**
 * Enter sends, Shift+Enter is a newline; the limit shows as you near it. What is written is the open
 * chat's draft: kept as you type, back when you return to the chat, cleared when it is sent. While
 * `editing` an own message, it holds that message's text instead (the draft waits): Enter saves,
 * Escape or Cancel leaves it as it was.
 */
export function Composer(props: {
  sid: string | undefined;
  disabled: boolean;
  editing: Bubble | undefined;
  onEditEnd(): void;
}) {
  const { session, drafts, t } = useIsland();
  const [edited, setEdited] = createSignal('');
  let input!: HTMLTextAreaElement;
  const text = () => (props.editing ? edited() : props.sid ? drafts.get(props.sid) : '');
  const [error, setError] = createSignal<string>();
  const length = () => text().trim().length;
  const over = () => length() > LIMITS.contentMax;
  const canSend = () => !props.disabled && length() > 0 && !over();
  createEffect(
    on(
      () => props.sid,
      () => setError(undefined),
      { defer: true },
    ),
  );
  createEffect(
    on(
      () => props.editing,
      (bubble) => {
        setError(undefined);
        if (!bubble) return;
        setEdited(bubble.content);
        input.value = bubble.content;
        input.focus();
        input.setSelectionRange(input.value.length, input.value.length);
      },
    ),
  );

  const endEdit = () => {
    props.onEditEnd();
    input.focus();
  };
  const submit = async () => {
    if (!canSend()) return;
    if (props.editing) {
      const result = await session.editor.edit(props.editing, text());
      // Done, or a server that has no edits (not the person's to hear): the composer is theirs again.
      if (result.ok || result.error === 'unsupported') endEdit();
      else
        setError(
          result.error === 'too-long' ? t.tooLong(LIMITS.contentMax) : changeError(t, result),
        );
      return;
    }
    const result = session.send(text());
    if (result.ok) {
      drafts.set(props.sid!, '');
      setError(undefined);
    } else
      setError(
        result.error === 'too-long'
          ? t.tooLong(LIMITS.contentMax)
          : result.error === 'empty'
            ? t.writeMessage
            : t.pickFirst,
      );
  };

  return (
    <form
      class="hm-composer"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <Show when={props.editing}>
        <div class="hm-editing">
          <span>{t.editing}</span>
          <button type="button" class="hm-link" onClick={endEdit}>
            {t.cancel}
          </button>
        </div>
      </Show>
      <textarea
        ref={input}
        class="hm-input"
        rows={1}
        dir="auto"
        maxLength={DRAFT_MAX}
        aria-label={t.message}
        placeholder={props.disabled ? t.pickFirst : t.writeMessage}
        disabled={props.disabled}
        value={text()}
        onInput={(e) => {
          const value = e.currentTarget.value;
          if (props.editing) return setEdited(value);
          if (!props.sid) return;
          drafts.set(props.sid, value);
          // The others see "typing…" (told now and then, not on every key).
          if (value.trim()) session.typed();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            void submit();
          } else if (e.key === 'Escape' && props.editing) {
            e.preventDefault();
            endEdit();
          }
        }}
      />
      {/* Always in the tree, so that its first words are announced; empty far from the limit. */}
      <span class="hm-counter" classList={{ 'hm-counter-over': over() }} aria-live="polite">
        {length() > LIMITS.contentMax - NEAR_LIMIT ? `${length()}/${LIMITS.contentMax}` : ''}
      </span>
      <button type="submit" class="hm-button hm-send" disabled={!canSend()}>
        {props.editing ? t.save : t.send}
      </button>
      <span class="hm-composer-error" role="alert">
        {error() ?? (over() ? t.tooLong(LIMITS.contentMax) : '')}
      </span>
    </form>
  );
}
