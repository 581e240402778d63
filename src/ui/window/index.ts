export { createWindow } from './window.ts';
export type { ListWindow, Sequence, WindowOptions, WindowRange } from './window.ts';
export { Windowed } from './Windowed.tsx';
export { createListScroll } from './scroll.ts';
export type { ListScroll, ListScrollOptions } from './scroll.ts';
