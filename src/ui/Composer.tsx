import { createSignal } from 'solid-js';
import { LIMITS } from '../protocol/index.ts';
import { useIsland } from './context.ts';

/** Enter sends, Shift+Enter is a newline; the limit shows as you near it. */
export function Composer(props: { disabled: boolean }) {
  const { session, t } = useIsland();
  const [text, setText] = createSignal('');
  const [error, setError] = createSignal<string>();
  const length = () => text().trim().length;
  const over = () => length() > LIMITS.contentMax;
  const canSend = () => !props.disabled && length() > 0 && !over();

  const submit = () => {
    if (!canSend()) return;
    const result = session.send(text());
    if (result.ok) {
      setText('');
      setError(undefined);
    } else setError(result.error);
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
        aria-label={t.message}
        placeholder={props.disabled ? t.pickFirst : t.writeMessage}
        disabled={props.disabled}
        value={text()}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            submit();
          }
        }}
      />
      <span class="hm-counter" classList={{ 'hm-counter-over': over() }} aria-live="polite">
        {length()}/{LIMITS.contentMax}
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
