export { Island, mountIsland } from './Island.tsx';
export type { IslandOptions } from './Island.tsx';
export type { IslandRouter, Routing } from './App.tsx';
