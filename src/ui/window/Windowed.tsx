import { Key } from '@solid-primitives/keyed';
import { createMemo, type Accessor, type JSX } from 'solid-js';
import type { ListWindow } from './window.ts';

/**
 * Renders the rows of a window, one node per key: a row whose object is replaced (a pending message
 * confirmed, a preview updated) keeps its DOM node and updates in place, and a row that moves is
 * moved, not rebuilt. `index` is the row's place in the whole list, not in the window.
 */
export function Windowed<T>(props: {
  of: ListWindow<T>;
  children: (item: Accessor<T>, index: Accessor<number>) => JSX.Element;
}) {
  // A memo: the range changes with each row that arrives, its start seldom.
  const start = createMemo(() => props.of.range().start);
  return (
    <Key each={props.of.rows()} by={props.of.key}>
      {(item, at) => {
        const index = createMemo(() => start() + at());
        // eslint-disable-next-line solid/reactivity -- the row reads `index` in its own tracked scopes.
        return props.children(item, index);
      }}
    </Key>
  );
}
