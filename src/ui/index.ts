export { Island, mountIsland } from './Island.tsx';
export { adoptStyles } from './stylesheet.ts';
export type { IslandOptions } from './Island.tsx';
export type { IslandRouter, Routing } from './routing.ts';
export { afterTask } from './frames.ts';
