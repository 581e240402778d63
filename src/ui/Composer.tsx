import { createEffect, createSignal, on } from 'solid-js';
import { LIMITS } from '../protocol/index.ts';
import { useIsland } from './context.ts';

/** The counter shows, and is announced, only this close to the limit. */
const NEAR_LIMIT = 200;

/**
 * Enter sends, Shift+Enter is a newline; the limit shows as you near it. What is written is the open
 * chat's draft: kept as you type, back when you return to the chat, cleared when it is sent.
 */
export function Composer(props: { sid: string | undefined; disabled: boolean }) {
  const { session, drafts, t } = useIsland();
  const text = () => (props.sid ? drafts.get(props.sid) : '');
  const [error, setError] = createSignal<string>();
  const length = () => text().trim().length;
  const over = () => length() > LIMITS.contentMax;
  const canSend = () => !props.disabled && length() > 0 && !over();
  createEffect(on(() => props.sid, () => setError(undefined), { defer: true }));

  const submit = () => {
    if (!canSend()) return;
    const result = session.send(text());
    if (result.ok) {
      drafts.set(props.sid!, '');
      setError(undefined);
    } else setError(result.error === 'too-long' ? t.tooLong(LIMITS.contentMax) : result.error === 'empty' ? t.writeMessage : t.pickFirst);
  };

  return (
    <form
      class="hm-composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <textarea
        class="hm-input"
        rows={1}
        dir="auto"
        aria-label={t.message}
        placeholder={props.disabled ? t.pickFirst : t.writeMessage}
        disabled={props.disabled}
        value={text()}
        onInput={(e) => props.sid && drafts.set(props.sid, e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            submit();
          }
        }}
      />
      {/* Always in the tree, so that its first words are announced; empty far from the limit. */}
      <span class="hm-counter" classList={{ 'hm-counter-over': over() }} aria-live="polite">
        {length() > LIMITS.contentMax - NEAR_LIMIT ? `${length()}/${LIMITS.contentMax}` : ''}
      </span>
      <button type="submit" class="hm-button hm-send" disabled={!canSend()}>
        {t.send}
      </button>
      <span class="hm-composer-error" role="alert">
        {error() ?? (over() ? t.tooLong(LIMITS.contentMax) : '')}
      </span>
    </form>
  );
}
