import { createMemo, createSignal, type Accessor } from 'solid-js';

/** What a window needs of a list: an array, or a structure with cheaper lookups (`rows.ts`). */
export interface Sequence<T> {
  readonly length: number;
  slice(start: number, end: number): readonly T[];
  /** Where the row with `key` is, or -1. Default: a linear search. */
  indexOfKey?(key: string): number;
}

/** Options of {@link createWindow}. */
export interface WindowOptions<T> {
  /** The whole list, in display order (immutable, replaced on change). */
  list: Accessor<Sequence<T>>;
  /** A row's identity: rows are rendered by it. */
  key: (item: T) => string;
  /**
   * What a held window keeps: `key` (default) its first row, wherever it goes (a chat: rows only
   * arrive at the ends); `index` its place in the list (a conversation list: rows jump to the top, and
   * the reader keeps looking at the same stretch while they do).
   */
  holdBy?: 'key' | 'index';
  /** The edge a pinned window follows: `end` (default: a chat, newest at the bottom) or `start` (newest at the top). */
  edge?: 'start' | 'end';
  /** Rows rendered while pinned, before {@link ListWindow.grow}. Default 30. */
  pinned?: number;
  /** Rows a step adds or moves by. Default 40. */
  chunk?: number;
  /** Never more rows than this in the window, however long the list. Default 200. */
  max?: number;
}

/** Indices into the list: rows `start` (included) to `end` (excluded) are rendered. */
export interface WindowRange {
  start: number;
  end: number;
}

/**
 * The part of a long list that is rendered. Pinned, it is the rows at one edge and follows that edge
 * as rows arrive there; held, it keeps its first row (by key) and spans up to `max` rows from it, so
 * what the reader sees stays rendered whatever arrives. It knows nothing of the DOM: the caller
 * decides when to step (on scroll, on a key press) and keeps the viewport in place around a step.
 */
export interface ListWindow<T> {
  readonly list: Accessor<Sequence<T>>;
  readonly key: (item: T) => string;
  /** The edge a pinned window follows. */
  readonly edge: 'start' | 'end';
  readonly range: Accessor<WindowRange>;
  /** The rows in the window, in order. */
  readonly rows: Accessor<readonly T[]>;
  /** Whether the window follows its edge. */
  readonly pinned: Accessor<boolean>;
  /** Follows the edge again, keeping the pinned size. */
  pin(): void;
  /** Stops following the edge (or re-anchors a held window): the rendered rows stay, anchored at the first of them. */
  hold(): void;
  /** Moves the window `chunk` rows toward the start (holding it); false if the first row shows already. */
  earlier(): boolean;
  /**
   * Moves the window `chunk` rows toward the end (holding it, or growing a pinned `start` window);
   * false if the last row is rendered already.
   */
  later(): boolean;
  /**
   * A pinned window renders `by` (default `chunk`) more rows at its edge (a tall viewport); false at
   * `max` or when the whole list is rendered.
   */
  grow(by?: number): boolean;
  /** Pinned again at the initial size: for a new list (another chat). */
  reset(): void;
  /**
   * Drops the rows a pinned `end` window kept at its start as rows arrived, once they are a fifth of
   * a chunk or more: it renders its size again. Rows that arrive are added under those rendered,
   * which stay, up to `chunk` more: a row leaving at the start would move every row (all drawn again)
   * in the frame that paints the arrival. The caller trims once that frame is painted.
   */
  trim(): void;
  /** Moves the window so that row `index` is rendered, `chunk` rows in from the side it came in on; false if it already was. */
  reveal(index: number): boolean;
}

/** A window over `options.list`; see {@link ListWindow}. Call it under a Solid owner. */
export function createWindow<T>(options: WindowOptions<T>): ListWindow<T> {
  const {
    list,
    key,
    edge = 'end',
    pinned: initial = 30,
    chunk = 40,
    max = 200,
    holdBy = 'key',
  } = options;
  // The first rendered row's key (or index) while held; undefined while pinned.
  const [anchor, setAnchor] = createSignal<string | number>();
  const indexOf = (all: Sequence<T>, k: string) =>
    all.indexOfKey
      ? all.indexOfKey(k)
      : all.slice(0, all.length).findIndex((item) => key(item) === k);
  const [size, setSize] = createSignal(initial);
  // Read by the range, so that a trim computes it again; each recount without rows arriving drops
  // the rows kept. `first` is the key of the first row a pinned `end` window rendered.
  const [trims, setTrims] = createSignal(0);
  let first: string | undefined;

  const range = createMemo<WindowRange>(
    (last) => {
      const all = list();
      trims();
      const held = anchor();
      const at =
        held === undefined
          ? -1
          : typeof held === 'number'
            ? Math.min(held, Math.max(0, all.length - max))
            : indexOf(all, held);
      // Held: from the anchor. Pinned, or the anchor's row is gone: the rows at the edge.
      if (at >= 0) return { start: at, end: Math.min(all.length, at + max) };
      const count = Math.min(size(), max);
      if (edge === 'start') return { start: 0, end: Math.min(all.length, count) };
      const start = Math.max(0, all.length - count);
      // Rows arrived under those a window rendered, which stay: up to `chunk` rows more (`trim`).
      const kept = all.slice(last.start, last.start + 1)[0];
      const from =
        all.length > last.end &&
        start > last.start &&
        start - last.start <= chunk &&
        kept &&
        key(kept) === first
          ? last.start
          : start;
      const row = all.slice(from, from + 1)[0];
      first = row && key(row);
      return { start: from, end: all.length };
    },
    { start: 0, end: 0 },
    { equals: (a, b) => a.start === b.start && a.end === b.end },
  );
  const rows = createMemo(() => {
    const { start, end } = range();
    return list().slice(start, end);
  });
  const pinned = () => anchor() === undefined;
  /** Holds the window with row `index` first. */
  const startAt = (index: number) => {
    if (holdBy === 'index') return void setAnchor(Math.max(0, index));
    const item = list().slice(index, index + 1)[0];
    if (item !== undefined) setAnchor(key(item));
  };

  return {
    list,
    key,
    edge,
    range,
    rows,
    pinned,
    pin: () => setAnchor(undefined),
    hold: () => startAt(range().start),
    earlier() {
      const { start } = range();
      if (start === 0) return false;
      startAt(Math.max(0, start - chunk));
      return true;
    },
    later() {
      const { start, end } = range();
      const length = list().length;
      if (end >= length) return false;
      if (pinned() && edge === 'start' && size() < max) setSize((n) => Math.min(max, n + chunk));
      else startAt(Math.max(0, Math.min(start + chunk, length - max)));
      return true;
    },
    grow(by = chunk) {
      const { start, end } = range();
      const whole = start === 0 && end === list().length;
      if (!pinned() || whole || size() >= max) return false;
      setSize((n) => Math.min(max, n + Math.max(1, by)));
      return true;
    },
    reset() {
      setAnchor(undefined);
      setSize(initial);
      setTrims((n) => n + 1);
    },
    trim() {
      const { start, end } = range();
      if (pinned() && edge === 'end' && end - start >= Math.min(size(), max) + chunk / 5)
        setTrims((n) => n + 1);
    },
    reveal(index) {
      const { start, end } = range();
      const length = list().length;
      if (index < 0 || index >= length || (index >= start && index < end)) return false;
      startAt(
        index < start
          ? Math.max(0, index - chunk)
          : Math.max(0, Math.min(length, index + chunk + 1) - max),
      );
      return true;
    },
  };
}
