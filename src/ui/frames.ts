import type { Schedule, SessionEnvironment } from '../sync/index.ts';

/**
 * Runs `run` as its own task once the current one ends: after every event of the current network
 * chunk, and before the next chunk when the browser has one waiting.
 */
export const afterTask: Schedule = (run) => {
  if (typeof MessageChannel === 'undefined') {
    const timer = setTimeout(run, 0);
    return () => clearTimeout(timer);
  }
  // A message task runs as soon as the current one ends; a timer may wait for the timer queue.
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.close();
    run();
  };
  channel.port2.postMessage(null);
  return () => channel.port1.close();
};

// One thread runs one frame callback at a time, so one flag for the page tells whether we are in one.
let inFrame = false;
/** How long a publication waits for a frame before it goes out anyway. */
const FRAME_FALLBACK_MS = 100;

/** Whether the caller runs inside a publication's frame callback, where layout is about to happen anyway. */
export const duringFrame = () => inFrame;

/**
 * A schedule for publishing to the screen (one per store): at once (after the current task) when
 * nothing was published in the current frame, else at the start of the next frame. A quiet chat
 * shows a message with no delay; a burst renders at most once per frame. A hidden page (no frames)
 * publishes after each task.
 */
export function oncePerFrame(): Schedule {
  // Whether something was published since the current frame began: then the next publication waits
  // for the next frame. A frame's own publication counts for it, so a burst that goes on after it
  // publishes in the next frame again, not once after a task and once more in the frame.
  let publishedThisFrame = false;
  const published = () => {
    if (publishedThisFrame) return;
    publishedThisFrame = true;
    requestAnimationFrame(() => void (publishedThisFrame = false));
  };
  return (run) => {
    if (typeof requestAnimationFrame === 'undefined' || document.visibilityState === 'hidden') return afterTask(run);
    if (!publishedThisFrame) {
      published();
      return afterTask(run);
    }
    // The next frame; or a timer, should frames stop (a tab hidden meanwhile) with this one pending.
    let done = false;
    const cancel = () => {
      done = true;
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
    const fire = (framed: boolean) => {
      if (done) return;
      cancel();
      inFrame = framed;
      try {
        run();
      } finally {
        inFrame = false;
        published();
      }
    };
    const frame = requestAnimationFrame(() => fire(true));
    const timer = setTimeout(() => fire(false), FRAME_FALLBACK_MS);
    return cancel;
  };
}

/** The page's side of the session's environment: the document's visibility, frames, message tasks, other tabs' storage writes. */
export function pageEnvironment(): Partial<SessionEnvironment> {
  if (typeof document === 'undefined') return {};
  return {
    isVisible: () => document.visibilityState !== 'hidden',
    visibilityEvents: document,
    storageEvents: window,
    schedulePublish: oncePerFrame(),
    nextTask: () => new Promise<void>((resolve) => void afterTask(resolve)),
  };
}
