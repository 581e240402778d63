import type { Environment } from './environment.ts';

/** A wait that ends early on `wake()` or when `signal` aborts, leaving no timer or listener behind. */
export interface WakeableWait {
  sleep(ms: number): Promise<void>;
  /** Ends the current wait now, if there is one. */
  wake(): void;
}

export function makeWakeableWait(env: Environment, signal: AbortSignal): WakeableWait {
  let current: (() => void) | undefined;
  return {
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        const done = () => {
          env.clearTimeout(timer);
          signal.removeEventListener('abort', done);
          current = undefined;
          resolve();
        };
        const timer = env.setTimeout(done, ms);
        signal.addEventListener('abort', done);
        current = done;
      }),
    wake: () => current?.(),
  };
}
