import { onCleanup } from 'solid-js';

/**
 * Runs `run` whenever `element` changes size (after the layout that changed it, before the paint; at
 * most once per frame), until the owner is cleaned up. Where there is no `ResizeObserver`, never.
 */
export function onResize(element: Element, run: () => void): void {
  if (typeof ResizeObserver === 'undefined') return;
  const observer = new ResizeObserver(run);
  observer.observe(element);
  onCleanup(() => observer.disconnect());
}
