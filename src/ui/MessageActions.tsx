import { createSignal, onCleanup, Show, type Accessor } from 'solid-js';
import type { Bubble, ChangeResult } from '../sync/index.ts';
import { useIsland } from './context.ts';

/** How long a finger rests on a bubble to open its actions, in ms. */
const LONG_PRESS_MS = 500;

/** A change that did not happen, in the island's words. */
export const changeError = (t: ReturnType<typeof useIsland>['t'], result: ChangeResult) =>
  result.ok || result.error === 'unsupported'
    ? undefined
    : result.error === 'too-late'
      ? t.editTooLate
      : result.error === 'unreachable'
        ? t.changeUnreachable
        : result.error === 'refused'
          ? t.changeRefused
          : undefined;

/**
 * The actions of one's own message: a ⋯ button beside the bubble (shown on hover and focus; a long
 * press or a right click on the bubble opens it too) that discloses Edit and Delete for everyone,
 * the latter asked twice. Escape closes and gives focus back to ⋯.
 */
export function MessageActions(props: {
  bubble: Accessor<Bubble>;
  onEdit(bubble: Bubble): void;
  bindPress(open: () => void): void;
}) {
  const { session, t } = useIsland();
  const [open, setOpen] = createSignal(false);
  const [confirming, setConfirming] = createSignal(false);
  const [error, setError] = createSignal<string>();
  let toggle!: HTMLButtonElement;
  let menu: HTMLDivElement | undefined;
  // While open, a press anywhere else closes it.
  const outside = (e: Event) => !e.composedPath().includes(toggle.parentElement!) && close(false);
  const close = (refocus = true) => {
    setOpen(false);
    setConfirming(false);
    document.removeEventListener('pointerdown', outside, true);
    if (refocus) toggle.focus();
  };
  /** The menu inside the history, whatever the width: above ⋯ when it would run under the composer, moved sideways off an edge. */
  const place = () => {
    const box = toggle.closest('.hm-messages')?.getBoundingClientRect();
    if (!menu || !box) return;
    if (menu.getBoundingClientRect().bottom > box.bottom) menu.classList.add('hm-up');
    const { left, right } = menu.getBoundingClientRect();
    const dx =
      left < box.left + 4 ? box.left + 4 - left : right > box.right - 4 ? box.right - 4 - right : 0;
    if (dx) menu.style.translate = `${dx}px 0`;
    menu.scrollIntoView({ block: 'nearest' });
  };
  const show = () => {
    setError(undefined);
    setOpen(true);
    document.addEventListener('pointerdown', outside, true);
    place();
    menu?.querySelector<HTMLElement>('button')?.focus();
  };
  onCleanup(() => document.removeEventListener('pointerdown', outside, true));
  // eslint-disable-next-line solid/reactivity -- the bubble hands over, once, what opens these actions.
  props.bindPress(show);

  const remove = async () => {
    if (!confirming()) {
      setConfirming(true);
      return;
    }
    // The bubble loses its actions (a tombstone has none): focus stays in the history, not on <body>.
    const history = toggle.closest<HTMLElement>('.hm-messages');
    close(false);
    history?.focus();
    setError(changeError(t, await session.editor.remove(props.bubble())));
  };
  return (
    <>
      <div
        class="hm-actions"
        // Focus moved on past the menu (Tab): it closes, as a menu does.
        onFocusOut={(e) =>
          open() && !e.currentTarget.contains(e.relatedTarget as Node | null) && close(false)
        }
        onKeyDown={(e) => {
          if (e.key === 'Escape' && open()) {
            e.stopPropagation();
            close();
          }
        }}
      >
        <button
          ref={toggle}
          type="button"
          class="hm-actions-toggle"
          aria-label={`${t.messageActions}: ${props.bubble().content.slice(0, 40)}`}
          aria-expanded={open()}
          onClick={() => (open() ? close() : show())}
        >
          ⋯
        </button>
        <Show when={open()}>
          <div ref={menu} class="hm-actions-menu">
            <Show when={session.editor.can('edit', props.bubble())}>
              <button
                type="button"
                onClick={() => {
                  close(false);
                  props.onEdit(props.bubble());
                }}
              >
                {t.edit}
              </button>
            </Show>
            <Show when={session.editor.can('delete', props.bubble())}>
              <button type="button" class="hm-danger" onClick={() => void remove()}>
                {confirming() ? `${t.deleteForEveryone}?` : t.deleteForEveryone}
              </button>
            </Show>
          </div>
        </Show>
      </div>
      <Show when={error()}>
        <span class="hm-failed-note" role="alert">
          {error()}
        </span>
      </Show>
    </>
  );
}

/**
 * Calls `open` when a finger rests on the element (touch only) or on a right click; `open` says
 * whether it opened anything (where nothing opens, the browser's own menu stays).
 */
export function pressToOpen(element: HTMLElement, open: () => boolean): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cancel = () => clearTimeout(timer);
  element.addEventListener('pointerdown', (e) => {
    if (e.pointerType !== 'touch') return;
    cancel();
    timer = setTimeout(() => element.isConnected && open(), LONG_PRESS_MS);
  });
  for (const type of ['pointerup', 'pointercancel'] as const)
    element.addEventListener(type, cancel);
  element.addEventListener('contextmenu', (e) => {
    if (open()) e.preventDefault();
  });
}
