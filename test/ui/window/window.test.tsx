import { createRoot, createSignal } from 'solid-js';
import { render } from 'solid-js/web';
import { afterEach, describe, expect, it } from 'vitest';
import { createWindow, Windowed, type WindowOptions } from '../../../src/ui/window/index.ts';

interface Row {
  id: string;
  text: string;
}

const rows = (from: number, to: number): Row[] =>
  Array.from({ length: to - from }, (_, i) => ({ id: `r${from + i}`, text: `row ${from + i}` }));
const ids = (list: readonly Row[]) => list.map((r) => r.id);

const disposers: (() => void)[] = [];
afterEach(() => {
  for (const dispose of disposers.splice(0)) dispose();
});

/** A window over a list the test replaces, with small sizes so the steps are easy to follow. */
function setup(initial: Row[], options: Partial<WindowOptions<Row>> = {}) {
  const [list, setList] = createSignal<readonly Row[]>(initial);
  const win = createRoot((dispose) => {
    disposers.push(dispose);
    return createWindow({ list, key: (r) => r.id, pinned: 3, chunk: 2, max: 6, ...options });
  });
  return { win, setList, list };
}

describe('createWindow', () => {
  it('pinned to the end, renders the last rows and follows new ones, keeping those rendered until a trim', () => {
    const { win, setList } = setup(rows(0, 10));
    expect(win.pinned()).toBe(true);
    expect(win.range()).toEqual({ start: 7, end: 10 });
    // New rows are added under those rendered, which stay (none moves on the screen)...
    setList(rows(0, 11));
    setList(rows(0, 12));
    expect(ids(win.rows())).toEqual(['r7', 'r8', 'r9', 'r10', 'r11']);
    // ...up to a chunk (2) more: then the window moves to the last rows at once.
    setList(rows(0, 13));
    expect(ids(win.rows())).toEqual(['r10', 'r11', 'r12']);
    setList(rows(0, 14));
    win.trim();
    expect(ids(win.rows())).toEqual(['r11', 'r12', 'r13']);
  });

  it('trims only rows kept a fifth of a chunk or more, and only while pinned to the end', () => {
    const { win, setList } = setup(rows(0, 50), { pinned: 5, chunk: 20, max: 40 });
    setList(rows(0, 53));
    win.trim();
    // Three kept: fewer than four (a fifth of 20), so they stay.
    expect(win.range()).toEqual({ start: 45, end: 53 });
    setList(rows(0, 54));
    win.trim();
    expect(win.range()).toEqual({ start: 49, end: 54 });
    win.hold();
    setList(rows(0, 60));
    win.trim();
    expect(win.range()).toEqual({ start: 49, end: 60 });
    const start = setup(rows(0, 50), { edge: 'start', pinned: 5, chunk: 20 });
    start.setList(rows(0, 60));
    start.win.trim();
    expect(start.win.range()).toEqual({ start: 0, end: 5 });
  });

  it('pinned to the end, keeps no row when rows land above, nor in a new list', () => {
    const { win, setList } = setup(rows(0, 10));
    setList(rows(-1, 10));
    expect(ids(win.rows())).toEqual(['r7', 'r8', 'r9']);
    setList(rows(100, 111));
    expect(ids(win.rows())).toEqual(['r108', 'r109', 'r110']);
    setList(rows(100, 112));
    win.reset();
    expect(ids(win.rows())).toEqual(['r109', 'r110', 'r111']);
  });

  it('held, keeps the same rows while new ones arrive at the edge and older ones land above', () => {
    const { win, setList } = setup(rows(0, 10));
    win.hold();
    expect(win.pinned()).toBe(false);
    setList(rows(0, 12));
    expect(ids(win.rows())).toEqual(['r7', 'r8', 'r9', 'r10', 'r11']);
    setList(rows(-5, 12));
    expect(ids(win.rows())[0]).toBe('r7');
    win.pin();
    expect(ids(win.rows())).toEqual(['r9', 'r10', 'r11']);
  });

  it('steps earlier by a chunk, never renders more than max rows, and says when the first row is in', () => {
    const { win } = setup(rows(0, 10));
    expect(win.earlier()).toBe(true);
    expect(win.range()).toEqual({ start: 5, end: 10 });
    expect(win.earlier()).toBe(true);
    expect(win.range()).toEqual({ start: 3, end: 9 });
    expect(win.earlier()).toBe(true);
    expect(win.earlier()).toBe(true);
    expect(win.range()).toEqual({ start: 0, end: 6 });
    expect(win.earlier()).toBe(false);
  });

  it('steps later toward the end with a full window, and says when the last row is in', () => {
    const { win } = setup(rows(0, 20));
    win.reveal(0);
    expect(win.range()).toEqual({ start: 0, end: 6 });
    expect(win.later()).toBe(true);
    expect(win.range()).toEqual({ start: 2, end: 8 });
    for (let i = 0; i < 10 && win.later(); i++);
    expect(win.range()).toEqual({ start: 14, end: 20 });
    expect(win.later()).toBe(false);
  });

  it('grows a pinned window by chunks up to max, not past the whole list', () => {
    const { win, setList } = setup(rows(0, 20));
    expect(win.grow()).toBe(true);
    expect(win.range()).toEqual({ start: 15, end: 20 });
    expect(win.grow()).toBe(true);
    expect(win.range()).toEqual({ start: 14, end: 20 });
    expect(win.grow()).toBe(false);
    win.reset();
    setList(rows(0, 4));
    expect(win.grow()).toBe(true);
    expect(win.grow()).toBe(false);
    win.hold();
    expect(win.grow()).toBe(false);
  });

  it('grows by as many rows as asked, at least one', () => {
    const { win } = setup(rows(0, 20), { max: 10 });
    expect(win.grow(4)).toBe(true);
    expect(win.range()).toEqual({ start: 13, end: 20 });
    expect(win.grow(0)).toBe(true);
    expect(win.range()).toEqual({ start: 12, end: 20 });
  });

  it('reset pins it again at the first size (another chat)', () => {
    const { win, setList } = setup(rows(0, 20));
    win.grow();
    win.earlier();
    win.reset();
    setList(rows(100, 130));
    expect(win.pinned()).toBe(true);
    expect(ids(win.rows())).toEqual(['r127', 'r128', 'r129']);
  });

  it('reveal brings a row outside the window in, a chunk from the side it came in on', () => {
    const { win } = setup(rows(0, 30));
    expect(win.reveal(28)).toBe(false);
    expect(win.reveal(10)).toBe(true);
    expect(win.range()).toEqual({ start: 8, end: 14 });
    expect(win.reveal(15)).toBe(true);
    expect(win.range()).toEqual({ start: 12, end: 18 });
    expect(win.reveal(29)).toBe(true);
    expect(win.range()).toEqual({ start: 24, end: 30 });
    expect(win.reveal(30)).toBe(false);
    expect(win.reveal(-1)).toBe(false);
  });

  it('falls back to the edge when the held first row goes away', () => {
    const { win, setList } = setup(rows(0, 10));
    win.earlier();
    setList(rows(0, 10).filter((r) => r.id !== 'r5'));
    expect(ids(win.rows())).toEqual(['r7', 'r8', 'r9']);
    win.hold();
    expect(win.range()).toEqual({ start: 6, end: 9 });
  });

  it('pinned to the start (a list, newest first), follows the top and grows downward before it moves', () => {
    const { win, setList } = setup(rows(0, 20), { edge: 'start' });
    expect(ids(win.rows())).toEqual(['r0', 'r1', 'r2']);
    setList([...rows(-1, 0), ...rows(0, 20)]);
    expect(ids(win.rows())).toEqual(['r-1', 'r0', 'r1']);
    expect(win.later()).toBe(true);
    expect(win.range()).toEqual({ start: 0, end: 5 });
    expect(win.later()).toBe(true);
    expect(win.range()).toEqual({ start: 0, end: 6 });
    expect(win.later()).toBe(true);
    expect(win.pinned()).toBe(false);
    expect(win.range()).toEqual({ start: 2, end: 8 });
  });
});

describe('<Windowed>', () => {
  it('renders only the window, keeps a row’s node when its object is replaced, and gives indices in the whole list', () => {
    const host = document.createElement('div');
    let current = rows(0, 10);
    const [list, setList] = createSignal<readonly Row[]>(current);
    const replace = (next: Row[]) => setList((current = next));
    let win!: ReturnType<typeof createWindow<Row>>;
    disposers.push(
      render(() => {
        win = createWindow({ list, key: (r) => r.id, pinned: 3, chunk: 2, max: 6 });
        return (
          <Windowed of={win}>
            {(row, index) => <p data-id={row().id}>{`${index()}:${row().text}`}</p>}
          </Windowed>
        );
      }, host),
    );
    const texts = () => [...host.querySelectorAll('p')].map((p) => p.textContent);
    expect(texts()).toEqual(['7:row 7', '8:row 8', '9:row 9']);
    const node = host.querySelector('[data-id="r8"]');
    replace(current.map((r) => (r.id === 'r8' ? { ...r, text: 'edited' } : r)));
    expect(texts()).toEqual(['7:row 7', '8:edited', '9:row 9']);
    expect(host.querySelector('[data-id="r8"]')).toBe(node);
    replace([...rows(-2, 0), ...current]);
    expect(texts()).toEqual(['9:row 7', '10:edited', '11:row 9']);
    expect(host.querySelector('[data-id="r8"]')).toBe(node);
    win.earlier();
    expect(texts()).toEqual(['7:row 5', '8:row 6', '9:row 7', '10:edited', '11:row 9']);
  });
});
