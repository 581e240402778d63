import { vi } from 'vitest';

/** What a test does to a viewport laid out by {@link fakeLayout}. */
export interface FakeViewport {
  /** Makes the viewport `px` tall, and tells the `ResizeObserver`s that {@link fakeResizes} made. */
  resize(px: number): void;
  /** Makes the viewport `px` tall without telling any observer: a size the browser has not reported yet. */
  resizeUnseen(px: number): void;
}

/**
 * A stand-in for layout in happy-dom (which has none) for one scroller: its direct children are stacked
 * `rowPx` tall each (a failed send, whose note adds a line, `failedPx`), the viewport is `viewportPx`
 * tall at the top of the window, and `scrollTop` (clamped) moves the children. Enough for code that measures
 * rows against the viewport; put back after the test by test/setup.ts.
 */
export function fakeLayout(
  scroller: HTMLElement,
  { rowPx = 50, failedPx = 80, viewportPx = 500 } = {},
): FakeViewport {
  const height = (el: Element) => (el.classList.contains('hm-failed') ? failedPx : rowPx);
  const contentHeight = () => [...scroller.children].reduce((sum, el) => sum + height(el), 0);
  Object.defineProperty(scroller, 'clientHeight', { configurable: true, get: () => viewportPx });
  Object.defineProperty(scroller, 'scrollHeight', {
    configurable: true,
    get: () => Math.max(viewportPx, contentHeight()),
  });
  // Kept within what can be scrolled, as a browser does (no scroll event: tests dispatch their own).
  let scrollTop = 0;
  Object.defineProperty(scroller, 'scrollTop', {
    configurable: true,
    get: () => scrollTop,
    set: (value: number) =>
      void (scrollTop = Math.max(0, Math.min(value, scroller.scrollHeight - viewportPx))),
  });
  const original = Element.prototype.getBoundingClientRect;
  vi.spyOn(Element.prototype, 'getBoundingClientRect').mockImplementation(function (this: Element) {
    if (this === scroller) return DOMRect.fromRect({ x: 0, y: 0, width: 300, height: viewportPx });
    let row: Element | null = this as Element;
    while (row && row.parentElement !== scroller) row = row.parentElement;
    if (!row) return original.call(this);
    let top = -scroller.scrollTop;
    for (const el of scroller.children) {
      if (el === row) break;
      top += height(el);
    }
    return DOMRect.fromRect({ x: 0, y: top, width: 300, height: height(row) });
  });
  const resizeUnseen = (px: number) => {
    viewportPx = px;
    // A shorter content box clamps the offset, as a browser does.
    scroller.scrollTop = scrollTop;
  };
  return {
    resizeUnseen,
    resize(px) {
      resizeUnseen(px);
      for (const { target, report } of observed) if (target === scroller) report();
    },
  };
}

interface Observation {
  observer: object;
  target: Element;
  report(): void;
}
const observed: Observation[] = [];

/**
 * `ResizeObserver`s that report when a {@link FakeViewport} is resized (happy-dom's never report), for
 * the observers created after this call; undo with `vi.unstubAllGlobals()`.
 */
export function fakeResizes(): void {
  observed.length = 0;
  vi.stubGlobal(
    'ResizeObserver',
    class {
      constructor(private readonly callback: ResizeObserverCallback) {}
      observe(target: Element) {
        observed.push({ observer: this, target, report: () => this.callback([], this as never) });
      }
      disconnect() {
        for (let i = observed.length - 1; i >= 0; i--)
          if (observed[i]!.observer === this) observed.splice(i, 1);
      }
    },
  );
}
