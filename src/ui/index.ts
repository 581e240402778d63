export { Island, mountIsland } from './Island.tsx';
export type { IslandOptions } from './Island.tsx';
export type { Routing } from './App.tsx';
