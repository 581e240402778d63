import { createEffect, createMemo, createSignal, on, onCleanup, type Accessor } from 'solid-js';
import { afterPublication, afterTask } from '../frames.ts';
import { onResize } from './resize.ts';
import type { ListWindow } from './window.ts';

/** Options of {@link createListScroll}. */
export interface ListScrollOptions<T> {
  /** The window the viewport shows; the edge it follows is the one the viewport follows. */
  window: ListWindow<T>;
  /** Selects a rendered row inside the viewport. */
  row: string;
  /** A scroll this near the end (px) renders the rows after; at the end, a chat follows it again. */
  nearEnd: number;
  /** A scroll this near the start (px) renders the rows before, or loads `older` ones. */
  nearStart: number;
  /** Loads the rows before the list's first (a chat's older page), if there are any: else returns nothing. */
  older?: () => Promise<unknown> | undefined;
}

/**
 * The scrolling of a windowed list, so that its component only renders: which rows the window holds as
 * the reader scrolls, and where the viewport stays as rows come and go.
 */
export interface ListScroll {
  /** Takes the viewport element (a `ref`), and watches its scroll and (while the caller's owner lives) its size. */
  ref(element: HTMLElement): void;
  /** Whether the viewport is at the edge the window follows (a chat: its bottom). */
  readonly atEdge: Accessor<boolean>;
  /** Rows after the viewport while a chat's reader is scrolled up: rendered under it, and not rendered. */
  readonly below: Accessor<number>;
  /** Whether `older` rows are being loaded. */
  readonly loading: Accessor<boolean>;
  /** Follows the edge again, scrolled there before the next paint. */
  toEdge(): void;
  /** `count` rows came at a chat's end: followed when at the edge or `follow`, else counted below. */
  arrived(count: number, follow: boolean): void;
  /** Pinned again for a new list (another chat), and at its edge once that renders. */
  reset(): void;
  /** Holds the viewport with the element `selector` finds at its top; at the edge instead when that shows there. */
  showAt(selector: string): void;
  /** Scrolls the last element `selector` finds, and `margin` px under it, into view if it is below the viewport. */
  showLast(selector: string, margin: number): void;
  /** Runs `change` (to the window) with the row at the top of the viewport kept in place. */
  keep(change: () => void): void;
}

/**
 * The scroll controller of a windowed list (see {@link ListScroll}). At its edge it follows the edge:
 * a chat (`edge: 'end'`) scrolls to its bottom as messages arrive, as the publication that shows
 * them ends, and settles there once per frame, before the paint;
 * every list renders rows until a screen and a half is filled, and again when the viewport changes
 * size. Scrolled away, the window is held, so that what the reader sees stays put whatever arrives,
 * and steps by a chunk when the reader nears its start or end. Layout is read before it is written,
 * and read again only after a change that must be measured. Call it under a Solid owner.
 */
export function createListScroll<T>(options: ListScrollOptions<T>): ListScroll {
  const { window: win, row, nearEnd, nearStart, older } = options;
  const followsEnd = win.edge === 'end';
  let el: HTMLElement | undefined;
  const [atEdge, setAtEdge] = createSignal(true);
  const [below, setBelow] = createSignal(0);
  const [loading, setLoading] = createSignal(false);
  /** Runs `change`, then scrolls so that the first row not above the viewport is where it was. */
  const keep = (change: () => void) => {
    const top = el!.getBoundingClientRect().top;
    const anchor = [...el!.querySelectorAll(row)].find(
      (r) => r.getBoundingClientRect().bottom > top,
    );
    const was = anchor?.getBoundingClientRect().top ?? 0;
    change();
    if (anchor?.isConnected) el!.scrollTop += anchor.getBoundingClientRect().top - was;
  };

  /**
   * Renders rows while what is rendered does not fill a screen and a half (a tall host): as many more
   * as the rows rendered say are missing, not a chunk, since every row rendered is work in each frame
   * of a burst.
   */
  const fill = () => {
    if (!el) return;
    const want = el.clientHeight * 1.5;
    for (
      let height = el.scrollHeight;
      height < want && win.grow(Math.ceil(((want - height) * win.rows().length) / height));
      height = el.scrollHeight
    );
  };

  /** Fills the viewport and, in a chat, scrolls to its bottom. */
  const settle = () => {
    fill();
    if (!el || !followsEnd) return;
    const { scrollHeight, clientHeight } = el;
    el.scrollTop = scrollHeight;
    // Nothing to scroll yet, so no scroll event would ask for older rows: ask now.
    if (clientHeight > 0 && scrollHeight <= clientHeight) void showEarlier();
  };

  // Settled once per frame, before it is painted: renders in a row cost one layout. Once it is
  // painted, in a task of its own, a chat's window drops the rows it kept as messages came (see
  // `ListWindow.trim`), and fills again should those have been tall, what the reader sees staying in
  // place.
  let frame: number | undefined;
  onCleanup(() => frame !== undefined && cancelAnimationFrame(frame));
  const queue = () =>
    void (frame ??= requestAnimationFrame(() => {
      frame = undefined;
      if (atEdge()) settle();
      if (followsEnd) afterTask(() => el?.isConnected && keep(() => (win.trim(), fill())));
    }));

  const toEdge = () => {
    win.pin();
    setBelow(0);
    setAtEdge(true);
    // In a publication, scrolled as it ends, in its layout (see `afterPublication`), not in the frame
    // that paints the new rows. Filling waits for that frame all the same: rows the window adds now
    // render only once the publication ends, so their height cannot be read before.
    afterPublication(() => el && (el.scrollTop = el.scrollHeight));
    queue();
  };

  // A list that follows its start stays there by itself as rows come; it fills again, in the next
  // frame, only when their number changes: reading the layout on every publication of a burst would
  // force a layout per frame.
  if (!followsEnd) {
    // A memo: `on` alone runs its effect whenever the list changes, whatever its length.
    const count = createMemo(() => win.list().length);
    createEffect(on(count, queue));
  }

  const showEarlier = async () => {
    if (win.range().start > 0) return keep(win.earlier);
    const loaded = loading() ? undefined : older?.();
    if (!loaded) return;
    // The rows rendered stay as the older page lands above them; then the window steps up into it.
    win.hold();
    setLoading(true);
    await loaded;
    keep(() => {
      setLoading(false);
      win.earlier();
    });
  };

  /** Rows after the viewport: rendered ones under its bottom edge, and those not rendered. */
  const countBelow = () => {
    const rows = el!.querySelectorAll(row);
    const bottom = el!.getBoundingClientRect().bottom;
    let n = win.list().length - win.range().end;
    for (let i = rows.length - 1; i >= 0 && rows[i]!.getBoundingClientRect().top >= bottom; i--)
      n++;
    return n;
  };

  // A chat at its bottom stays there when it changes size (a window made shorter, a keyboard opened):
  // nothing else scrolls, so the newest rows would slip under the bottom edge; a taller one gets the
  // rows to fill it. `height` is the size the observer last reported: a scroll event dispatched at
  // another size, before the observer reports it, is taken for the resize (often the browser's own,
  // for an offset the old size allowed), not for the reader leaving the bottom. A reader's scroll in
  // that same frame is then lost, once. Checking the offset instead went wrong in 2 or 3 of 20 quick
  // resizes, where a size lasted less than a frame. (No observer, no size, and every scroll event is
  // the reader's.) A list that follows its start only fills: it has no bottom to keep.
  let height: number | undefined;
  /** Settles again at the new size if at the edge; answers whether a chat scrolled to its bottom. */
  const resized = () => {
    height = el!.clientHeight;
    if (!atEdge()) return false;
    settle();
    return followsEnd;
  };

  const onScroll = () => {
    // A chat pinned, with the scroll to new rows due this frame: a scroll event now comes from the
    // content changing, not from the reader, and must not unpin it. Nor must one read at a size not
    // handled yet (above).
    if (
      !el ||
      (followsEnd && frame !== undefined && win.pinned()) ||
      (height !== undefined && el.clientHeight !== height && resized())
    )
      return;
    const { scrollTop, scrollHeight, clientHeight } = el;
    const end = scrollHeight - scrollTop - clientHeight < nearEnd;
    // More after than rendered: the next chunk goes under the reader.
    if (end && win.range().end < win.list().length) return keep(win.later);
    const edge = followsEnd ? end : scrollTop === 0 && win.range().start === 0;
    setAtEdge(edge);
    if (edge) {
      setBelow(0);
      if (!win.pinned()) toEdge();
    } else {
      // Leaving the edge: what is rendered stays put while rows arrive.
      win.hold();
      if (followsEnd) setBelow(countBelow());
    }
    if (scrollTop < nearStart) void showEarlier();
  };

  return {
    ref(element) {
      el = element;
      element.addEventListener('scroll', onScroll);
      onResize(element, resized);
    },
    atEdge,
    below,
    loading,
    toEdge,
    arrived(count, follow) {
      if (atEdge() || follow) toEdge();
      else setBelow((n) => n + count);
    },
    reset() {
      win.reset();
      queueMicrotask(toEdge);
    },
    showAt(selector) {
      const target = el!.querySelector(selector);
      if (!target) return;
      const { scrollTop, scrollHeight, clientHeight } = el!;
      const top = target.getBoundingClientRect().top - el!.getBoundingClientRect().top + scrollTop;
      if (top >= scrollHeight - clientHeight) {
        if (!win.pinned()) toEdge();
        return;
      }
      setAtEdge(false);
      win.hold();
      el!.scrollTop = top;
      setBelow(countBelow());
    },
    showLast(selector, margin) {
      const target = [...el!.querySelectorAll(selector)].pop();
      const over = target
        ? target.getBoundingClientRect().bottom - el!.getBoundingClientRect().bottom
        : 0;
      if (over > 0) el!.scrollTop += over + margin;
    },
    keep,
  };
}
