export { createBackend } from './handler.ts';
export type { Backend, BackendOptions, BackendStats } from './handler.ts';
export { startBackendServer } from './server.ts';
export type { RunningBackend, ServerOptions } from './server.ts';
export { heroBackend } from './vite-plugin.ts';
export { DEFAULT_CONTACTS } from './world.ts';
export { DEMO_CONTEXT } from './seed.ts';
export { DataDirLockedError } from './lock.ts';
