import type { StreamItem, Subscription } from '../sdk/index.ts';
import type { SessionEnvironment } from './environment.ts';

/** Longest stretch of event handling before the page gets a turn (renders, input). Default 10 ms. */
export const SLICE_MS = 10;

/**
 * Consumes `subscription` until it ends, a batch at a time, handing each item to `onItem`. A backlog
 * read in one go (after a burst or a reconnect) arrives as one long run of microtasks; it is cut into
 * short tasks (`env.nextTask`) so the page keeps rendering and answering input meanwhile. Never throws:
 * a failure of the loop is logged and ends it like any other end. Resolves when the loop has ended.
 */
export async function runStreamLoop(
  subscription: Subscription,
  env: SessionEnvironment,
  onItem: (item: StreamItem) => void,
  sliceMs = SLICE_MS,
): Promise<void> {
  let sliceStart = env.now();
  try {
    for await (const batch of subscription.batches()) {
      for (const item of batch) {
        onItem(item);
        if (env.now() - sliceStart > sliceMs) {
          await env.nextTask();
          sliceStart = env.now();
        }
      }
    }
  } catch (error) {
    console.error('[hero-messaging] the subscription loop failed', error);
  }
}
