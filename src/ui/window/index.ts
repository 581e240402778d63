export { createWindow } from './window.ts';
export type { ListWindow, Sequence, WindowOptions, WindowRange } from './window.ts';
export { Windowed } from './Windowed.tsx';
export { keepingPlace } from './anchor.ts';
export { onResize } from './resize.ts';
