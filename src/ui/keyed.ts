import { createMemo, type Accessor } from 'solid-js';

/** Whether two key lists are the same sequence. */
const sameKeys = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((k, i) => k === b[i]);

interface Entry<T> {
  item: T;
  before: T | undefined;
}

export interface Keyed<T> {
  /** Keys of the items in view, in order; changes only when that sequence does. */
  readonly keys: Accessor<string[]>;
  /** The item under `key` and the one before it; changes only when either object does. Call it in a row. */
  item(key: string): Accessor<Entry<T>>;
}

/**
 * An immutable list seen by key, whole or through a window `[start, end)`: a `<For>` over `keys`
 * keeps every row's DOM node while the rows' objects are replaced, and a row re-renders only when
 * its own item (or the one before it) changed. Work per change is proportional to the window.
 */
export function createKeyed<T>(
  list: Accessor<readonly T[]>,
  keyOf: (item: T) => string,
  window?: Accessor<{ start: number; end: number }>,
): Keyed<T> {
  const entries = createMemo(() => {
    const all = list();
    const { start, end } = window?.() ?? { start: 0, end: all.length };
    const map = new Map<string, Entry<T>>();
    for (let i = start; i < end; i++) map.set(keyOf(all[i]!), { item: all[i]!, before: all[i - 1] });
    return map;
  });
  const keys = createMemo(() => [...entries().keys()], [], { equals: sameKeys });
  return {
    keys,
    item(key) {
      const row = createMemo(
        // A row whose key went keeps its last item until <For> removes it.
        (last: Entry<T>) => entries().get(key) ?? last,
        undefined as never,
        { equals: (a, b) => a?.item === b.item && a.before === b.before },
      );
      return row;
    },
  };
}
