import { For, type JSX } from 'solid-js';

/** People the dev backend knows in every context. */
const CONTACTS = ['alice', 'bob', 'carol', 'dave'];

export const label = (key: string) => (key ? key[0]!.toUpperCase() + key.slice(1) : key);

/** The page's header bar: the title, then `children` (the page's controls). */
export function ShellHeader(props: { children?: JSX.Element }) {
  return (
    <header class="shell-header">
      <h1>hero-messaging · dev shell</h1>
      <span class="shell-controls">{props.children}</span>
    </header>
  );
}

/** A `<select>` of the known people, `selected` first chosen. */
export function Picker(props: {
  selected: string;
  label: string;
  onChange: (key: string) => void;
}) {
  return (
    <select aria-label={props.label} onChange={(e) => props.onChange(e.currentTarget.value)}>
      <For each={CONTACTS}>
        {(key) => (
          <option value={key} selected={key === props.selected}>
            {label(key)}
          </option>
        )}
      </For>
    </select>
  );
}
