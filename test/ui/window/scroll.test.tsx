import { createEffect, createRoot, createSignal, on } from 'solid-js';
import { render } from 'solid-js/web';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createListScroll,
  createWindow,
  Windowed,
  type ListScroll,
  type ListScrollOptions,
  type ListWindow,
  type WindowOptions,
} from '../../../src/ui/window/index.ts';
import { afterPublication, framePaced } from '../../../src/ui/frames.ts';
import { useFakeClock } from '../../support/clock.ts';
import { fakeLayout, fakeResizes } from '../../support/fake-layout.ts';

interface Row {
  id: string;
  /** Drawn 80 px tall (as a failed message), not 50. */
  tall?: boolean;
}

const rows = (from: number, to: number): Row[] =>
  Array.from({ length: to - from }, (_, i) => ({ id: `r${from + i}` }));

// Timers and spies are put back by test/setup.ts; the ResizeObserver stub, here.
const disposers: (() => void)[] = [];
beforeEach(() => {
  useFakeClock();
  fakeResizes();
});
afterEach(() => {
  for (const dispose of disposers.splice(0)) dispose();
  document.body.innerHTML = '';
  vi.unstubAllGlobals();
});

/**
 * A list of 50 px rows in a 500 px viewport (a screen and a half is 15 rows), scrolled by a controller.
 * Small window sizes (3 rows pinned, steps of 5) make the steps easy to follow.
 */
function setup(initial: Row[], options: Options = {}) {
  const [list, setList] = createSignal<readonly Row[]>(initial);
  const scroller = document.createElement('div');
  document.body.append(scroller);
  const viewport = fakeLayout(scroller);
  let win!: ListWindow<Row>;
  let scroll!: ListScroll;
  disposers.push(
    render(() => {
      win = createWindow({ list, key: (r) => r.id, pinned: 3, chunk: 5, max: 40, ...options });
      scroll = createListScroll({ window: win, row: 'p', nearEnd: 48, nearStart: 80, ...options });
      scroll.ref(scroller);
      return (
        <Windowed of={win}>
          {(row) => <p data-id={row().id} class={row().tall ? 'hm-failed' : undefined} />}
        </Windowed>
      );
    }, scroller),
  );
  const shown = () => [...scroller.querySelectorAll('p')].map((p) => p.dataset.id);
  /** Scrolls the viewport to `top` as a reader would: a scroll event follows. */
  const scrollTo = (top: number) => {
    scroller.scrollTop = top;
    scroller.dispatchEvent(new Event('scroll'));
  };
  const maxScroll = () => scroller.scrollHeight - scroller.clientHeight;
  const topOf = (id: string) =>
    scroller.querySelector(`[data-id="${id}"]`)!.getBoundingClientRect().top;
  const frame = () => vi.advanceTimersToNextFrame();
  return {
    scroller,
    viewport,
    win,
    scroll,
    list,
    setList,
    shown,
    scrollTo,
    maxScroll,
    topOf,
    frame,
  };
}

type Options = Partial<WindowOptions<Row>> & Partial<ListScrollOptions<Row>>;

/** The end of the current task, and of one posted after it: where a publication goes out. */
const aTaskLater = () =>
  new Promise<void>((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve(channel.port1.close());
    channel.port2.postMessage(null);
  });

/** A chat of 100 rows, opened at its bottom: a screen and a half of rows rendered, the last one in view. */
function atBottom(options: Options = {}) {
  const chat = setup(rows(0, 100), options);
  chat.scroll.toEdge();
  chat.frame();
  return chat;
}

describe('createListScroll, following the end (a chat)', () => {
  it('fills a screen and a half, exactly, and is at the bottom after the next frame', () => {
    const { shown, scroller, maxScroll } = atBottom();
    expect(shown()).toEqual(rows(85, 100).map((r) => r.id));
    expect(scroller.scrollTop).toBe(maxScroll());
    expect(maxScroll()).toBe(250);
  });

  it('follows rows that arrive at the bottom, once per frame however many publications came', () => {
    const { scroll, setList, shown, scroller, maxScroll, frame } = atBottom();
    for (let n = 101; n <= 103; n++) {
      setList(rows(0, n));
      scroll.arrived(1, false);
    }
    // One frame asked for, by the first arrival; the scroll waits for it.
    expect(vi.getTimerCount()).toBe(1);
    frame();
    expect(shown().at(-1)).toBe('r102');
    expect(scroller.scrollTop).toBe(maxScroll());
    expect(scroll.below()).toBe(0);
  });

  it('adds arrivals under the rows rendered, and drops the first ones in a task after the frame that paints them, nothing on screen moving', async () => {
    const { scroll, setList, shown, scroller, maxScroll, frame, topOf } = atBottom();
    setList(rows(0, 101));
    scroll.arrived(1, false);
    frame();
    // The frame that painted the arrival moved no row: r85 is still rendered.
    expect(shown()).toEqual(rows(85, 101).map((r) => r.id));
    expect(scroller.scrollTop).toBe(maxScroll());
    const last = topOf('r100');
    await aTaskLater();
    expect(shown()).toEqual(rows(86, 101).map((r) => r.id));
    expect(topOf('r100')).toBe(last);
    expect(scroller.scrollTop).toBe(maxScroll());
  });

  it('after a trim, renders rows again until a screen and a half is filled, should the rows dropped have been tall', async () => {
    const tall = rows(0, 100).map((r) => ({ ...r, tall: true }));
    const { scroll, setList, shown, scroller, maxScroll, frame, topOf } = setup(tall);
    scroll.toEdge();
    frame();
    // 80 px rows: 10 fill a screen and a half (750 px).
    expect(shown()).toHaveLength(10);
    const list: Row[] = [...tall];
    for (let n = 0; n < 4; n++) {
      list.push({ id: `short${n}` });
      setList([...list]);
      scroll.arrived(1, false);
      frame();
      const newest = topOf(`short${n}`);
      await aTaskLater();
      expect(topOf(`short${n}`)).toBe(newest);
      // What is rendered is as tall as a screen and a half, or more, and the reader is at the bottom.
      expect(scroller.scrollHeight).toBeGreaterThanOrEqual(750);
      expect(scroller.scrollTop).toBe(maxScroll());
    }
    expect(shown().at(-1)).toBe('short3');
  });

  it('scrolled up, keeps what is rendered as rows arrive, and counts what is below; back at the bottom, follows again', () => {
    const { scroll, setList, shown, scrollTo, scroller, maxScroll, frame } = atBottom();
    scrollTo(100);
    expect(scroll.atEdge()).toBe(false);
    // Rows 12 to 14 of those rendered start under the viewport's bottom edge.
    expect(scroll.below()).toBe(3);
    const before = shown();
    setList(rows(0, 102));
    scroll.arrived(2, false);
    expect(scroll.below()).toBe(5);
    // The new rows are rendered under those there were, which stay put.
    expect(shown()).toEqual([...before, 'r100', 'r101']);
    expect(scroller.scrollTop).toBe(100);
    scrollTo(maxScroll());
    expect(scroll.atEdge()).toBe(true);
    expect(scroll.below()).toBe(0);
    frame();
    expect(scroller.scrollTop).toBe(maxScroll());
    setList(rows(0, 103));
    scroll.arrived(1, false);
    frame();
    expect(shown().at(-1)).toBe('r102');
    expect(scroller.scrollTop).toBe(maxScroll());
  });

  it('follows an arrival it is told to follow (the reader’s own message) even when scrolled up', () => {
    const { scroll, setList, shown, scrollTo, scroller, maxScroll, frame } = atBottom();
    scrollTo(100);
    setList(rows(0, 101));
    scroll.arrived(1, true);
    expect(scroll.atEdge()).toBe(true);
    frame();
    expect(shown().at(-1)).toBe('r100');
    expect(scroller.scrollTop).toBe(maxScroll());
  });

  it('in a publication, scrolls as it ends, after all its changes, rather than in the next frame: in its task or in its frame', async () => {
    const { scroll, setList, scroller, maxScroll } = atBottom();
    const schedule = framePaced();
    // Where the viewport was when each publication ended.
    const atEnd: boolean[] = [];
    const arrive = (n: number) =>
      schedule(() => {
        setList(rows(0, n));
        scroll.arrived(1, false);
        // A change made after the arrival was told (somewhere above the bottom, with no scroll event:
        // as if the rows had grown under the viewport): the scroll comes after it.
        scroller.scrollTop = 0;
        afterPublication(() => atEnd.push(scroller.scrollTop === maxScroll()));
      });
    // The first two publications go out after their tasks, before any frame.
    for (const n of [101, 102]) {
      arrive(n);
      await aTaskLater();
      expect(scroller.scrollTop).toBe(maxScroll());
    }
    // Then one in a frame: the scroll is part of it too, not left for another frame.
    arrive(103);
    vi.advanceTimersToNextFrame();
    expect(scroller.scrollTop).toBe(maxScroll());
    expect(atEnd).toEqual([true, true, true]);
  });

  it('in a publication, where the rows it adds render only once it ends, fills the viewport in the next frame, and no further', async () => {
    const { scroll, list, setList, viewport, shown, scroller, maxScroll } = atBottom();
    // The task after the opening frame (which finds no row to drop) is over.
    await aTaskLater();
    // Taller now (a screen and a half is 21 rows), told to no observer yet.
    viewport.resizeUnseen(700);
    // As in the chat: the arrival is told from an effect of the publication.
    createRoot((dispose) => {
      disposers.push(dispose);
      createEffect(on(list, () => scroll.arrived(1, false), { defer: true }));
    });
    framePaced()(() => void setList(rows(0, 101)));
    await aTaskLater();
    vi.advanceTimersToNextFrame();
    expect(shown()).toHaveLength(21);
    expect(shown().at(-1)).toBe('r100');
    expect(scroller.scrollTop).toBe(maxScroll());
  });

  it('does not take a scroll event for the reader’s while the scroll to new rows is due', () => {
    const { scroll, setList, scroller, maxScroll, frame } = atBottom();
    setList(rows(0, 101));
    scroll.arrived(1, false);
    // The new row made the content taller: the offset is no longer at the bottom.
    scroller.scrollTop = 100;
    scroller.dispatchEvent(new Event('scroll'));
    expect(scroll.atEdge()).toBe(true);
    frame();
    expect(scroller.scrollTop).toBe(maxScroll());
  });

  it('near the top renders earlier rows, and near the bottom later ones, the row at the top staying where the reader sees it', () => {
    const { shown, scrollTo, topOf, maxScroll, scroller } = atBottom({ max: 20 });
    scrollTo(40);
    expect(shown()[0]).toBe('r80');
    expect(topOf('r85')).toBe(-40);
    scrollTo(40);
    expect(shown()[0]).toBe('r75');
    // At most 20 rows: the last ones went.
    expect(shown().at(-1)).toBe('r94');
    scroller.scrollTop = maxScroll();
    const top = shown().find((id) => topOf(id!) + 50 > 0)!;
    const at = topOf(top);
    scroller.dispatchEvent(new Event('scroll'));
    expect(shown().at(-1)).toBe('r99');
    expect(topOf(top)).toBe(at);
  });

  it('with every row rendered and more before them, loads those, once, and shows them above without moving what is on screen', async () => {
    let land!: () => void;
    const older = vi.fn(() => new Promise<void>((resolve) => (land = resolve)));
    const { scroll, setList, shown, scrollTo, topOf } = setup(rows(0, 20), { older });
    scroll.toEdge();
    vi.advanceTimersToNextFrame();
    expect(shown()).toHaveLength(15);
    scrollTo(0);
    scrollTo(0);
    scrollTo(0);
    // Every row already rendered: the window steps to the first, then asks for more.
    expect(shown()[0]).toBe('r0');
    expect(older).toHaveBeenCalledTimes(1);
    expect(scroll.loading()).toBe(true);
    scrollTo(10);
    expect(older).toHaveBeenCalledTimes(1);
    const top = topOf('r0');
    setList(rows(-10, 20));
    land();
    await vi.waitFor(() => expect(scroll.loading()).toBe(false));
    expect(shown()[0]).toBe('r-5');
    expect(topOf('r0')).toBe(top);
  });

  it('asks for earlier rows when what it has does not fill the viewport, since no scroll event will', () => {
    const older = vi.fn(() => undefined);
    const { scroll } = setup(rows(0, 4), { older });
    scroll.toEdge();
    vi.advanceTimersToNextFrame();
    expect(older).toHaveBeenCalledTimes(1);
    expect(scroll.loading()).toBe(false);
  });

  it('opens held at a row above the last screen, counting what is below; at the bottom when the row shows there', () => {
    const { scroll, scroller, topOf } = atBottom();
    scroll.showAt('[data-id="r97"]');
    expect(scroll.atEdge()).toBe(true);
    scroll.showAt('[data-id="r88"]');
    expect(scroll.atEdge()).toBe(false);
    expect(topOf('r88')).toBe(0);
    expect(scroller.scrollTop).toBe(150);
    expect(scroll.below()).toBe(2);
    scroll.showAt('[data-id="gone"]');
    expect(scroller.scrollTop).toBe(150);
  });

  it('scrolls the last row a selector finds into view, with a margin under it, only when it is below the viewport', () => {
    const { scroll, scroller } = atBottom();
    scroller.scrollTop = 0;
    scroll.showLast('[data-id="r90"]', 12);
    expect(scroller.scrollTop).toBe(0);
    // Row 10 of those rendered ends at 550 px, 50 under the viewport.
    scroll.showLast('[data-id="r95"]', 12);
    expect(scroller.scrollTop).toBe(62);
  });

  it('after a reset (another chat), is pinned to the new list’s bottom once it renders', async () => {
    const { scroll, setList, shown, scrollTo, scroller, maxScroll, frame } = atBottom();
    scrollTo(100);
    scroll.reset();
    setList(rows(500, 600));
    await Promise.resolve();
    expect(scroll.atEdge()).toBe(true);
    expect(scroll.below()).toBe(0);
    frame();
    expect(shown().at(-1)).toBe('r599');
    expect(scroller.scrollTop).toBe(maxScroll());
  });

  it('at the bottom, stays there as the viewport gets shorter or taller; scrolled up, stays put', () => {
    const { viewport, scroller, maxScroll, shown, scrollTo } = atBottom();
    viewport.resize(300);
    expect(scroller.scrollTop).toBe(maxScroll());
    viewport.resize(1000);
    // Taller: rows to fill a screen and a half of it.
    expect(shown()).toHaveLength(30);
    expect(scroller.scrollTop).toBe(maxScroll());
    scrollTo(100);
    const before = shown();
    viewport.resize(600);
    expect(scroller.scrollTop).toBe(100);
    expect(shown()).toEqual(before);
  });

  it('takes a scroll event at a size not reported yet for the resize, not for the reader leaving the bottom', () => {
    const { viewport, scroll, scroller, maxScroll } = atBottom();
    viewport.resize(500);
    viewport.resizeUnseen(400);
    scroller.scrollTop = 100;
    scroller.dispatchEvent(new Event('scroll'));
    expect(scroll.atEdge()).toBe(true);
    expect(scroller.scrollTop).toBe(maxScroll());
  });

  it('leaves no frame behind once disposed', () => {
    const { scroll, setList } = atBottom();
    setList(rows(0, 101));
    scroll.arrived(1, false);
    expect(vi.getTimerCount()).toBe(1);
    disposers.splice(0).forEach((dispose) => dispose());
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('createListScroll, following the start (a list, newest first)', () => {
  const list = (count = 100) =>
    setup(rows(0, count), { edge: 'start', holdBy: 'index', nearEnd: 120, nearStart: 120 });

  it('fills a screen and a half in the frame after the number of rows changes, and again when the viewport grows', () => {
    const { shown, setList, viewport, frame, scroller } = list();
    expect(shown()).toHaveLength(3);
    frame();
    expect(shown()).toHaveLength(15);
    // It stays at the top, where the newest rows are.
    expect(scroller.scrollTop).toBe(0);
    setList(rows(-1, 100));
    frame();
    expect(shown()[0]).toBe('r-1');
    viewport.resize(1000);
    expect(shown()).toHaveLength(30);
  });

  it('asks for no frame to fill in, so reads no layout, when a change keeps the number of rows (a row updated, or moved to the top)', () => {
    const { setList, frame } = list();
    frame();
    setList(rows(0, 100).reverse());
    expect(vi.getTimerCount()).toBe(0);
  });

  it('near the bottom renders more rows under the reader; scrolled from the top, keeps its place as rows arrive there; at the top, follows it again', () => {
    const { shown, setList, scrollTo, maxScroll, scroll, win, frame } = list();
    frame();
    scrollTo(maxScroll());
    expect(shown()).toHaveLength(20);
    expect(win.pinned()).toBe(true);
    scrollTo(200);
    expect(win.pinned()).toBe(false);
    expect(scroll.atEdge()).toBe(false);
    // Held, it spans up to 40 rows from its place in the list, whatever moves to the top.
    expect(win.range()).toEqual({ start: 0, end: 40 });
    setList(rows(-2, 100));
    expect(win.range()).toEqual({ start: 0, end: 40 });
    scrollTo(0);
    expect(scroll.atEdge()).toBe(true);
    expect(win.pinned()).toBe(true);
    expect(shown()[0]).toBe('r-2');
  });

  it('keeps the row at the top in place when the window moves to reveal a row', () => {
    const { scroll, win, shown, topOf, frame } = list(300);
    frame();
    const top = topOf('r0');
    scroll.keep(() => win.reveal(200));
    expect(shown()).toContain('r200');
    expect(shown()).not.toContain('r0');
    scroll.keep(() => win.reveal(0));
    expect(topOf(shown()[0]!)).toBeLessThanOrEqual(top);
  });
});
