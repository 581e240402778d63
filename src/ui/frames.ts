import { afterTask } from '../sdk/index.ts';
import type { Schedule, SessionEnvironment } from '../sync/index.ts';

export { afterTask };

// One thread runs one publication at a time, so one list for the page holds what waits for its end.
let publishing: (() => void)[] | undefined;
/** How long a publication waits for a frame before it goes out anyway. */
const FRAME_FALLBACK_MS = 100;

/**
 * In a publication (in a task or in a frame callback), runs `then` once all its changes are made, and
 * answers true; outside one, answers false. The place for layout that follows the change (a chat
 * scrolled to its new bottom): one layout then takes in every change, and the publication's own task
 * is over before the frame that paints it begins, so that layout is not added to that frame (a frame's
 * publication is laid out in that frame anyway).
 */
export const afterPublication = (then: () => void) => !!publishing?.push(then);

/** A publication that carries this many changes is part of a burst: a chat, however lively, carries one or two. */
const BURST_CHANGES = 8;
/** A burst ends when this long passes with nothing to publish. */
const BURST_QUIET_MS = 100;
/** During a burst, the least time from one publication to the next: the events get the time between. */
const BURST_SPACING_MS = 33;
/** During a burst, the next publication waits four times as long as the last one's script took: drawing gets about a fifth of the page. */
const BURST_COST_FACTOR = 4;
/** The most a burst's spacing grows to, from the end of the last publication. */
const BURST_SPACING_MAX_MS = 100;

/** Publications that go out after their task between two frames; the next waits for a frame. */
const TASK_PUBLICATIONS = 2;

/**
 * A schedule for publishing to the screen (one per store): at once (after the current task) while
 * fewer than two went out since the current frame began, else at the start of the next frame. A quiet
 * chat shows a message with no delay, and a change that follows it a task later (the conversation's
 * update, when the server writes it apart from the message) has a task of its own too, rather than
 * adding its work to the frame that paints the message. Once a publication carries many changes (a burst: the events of a
 * network chunk), the next go out at most every 33 ms (two frames), or four times as long as the
 * last publication's script took (up to 100 ms: a slow device draws less often), until 100 ms pass with
 * nothing to publish: thousands of messages are read in the time saved, and nobody reads 30 screens
 * a second. But once the changes stop coming (told by `pending`: none in a whole task, nor until the
 * next frame), the burst's last publication goes out in that frame, without waiting for the spacing.
 * A hidden page (no frames) publishes after each task.
 */
export function framePaced(): Schedule {
  // Publications since the current frame began: after two, the next waits for the next frame. A
  // frame's own publication counts as both, so a burst that goes on after it publishes in the next
  // frame again, not after a task and once more in the frame.
  let sinceFrame = 0;
  // Whether the frame that clears it has been asked for.
  let frameAsked = false;
  // When the last publication went out, and whether a burst is on.
  let last: number | undefined;
  let bursting = false;
  // The spacing after the last publication: longer when it cost more (a slow device, a big change).
  let burstSpacing = BURST_SPACING_MS;
  /** The frame that begins the next count, asked for once a change has been made. */
  const askFrame = () => {
    if (frameAsked) return;
    frameAsked = true;
    requestAnimationFrame(() => {
      sinceFrame = 0;
      frameAsked = false;
    });
  };
  const publish = (run: () => number | void) => {
    let changes: number | void = 1;
    const started = performance.now();
    const after: (() => void)[] = (publishing = []);
    // Each of `after` runs, whatever one before it throws; the first error comes out once the pacing
    // is done.
    let failed: [unknown] | undefined;
    try {
      changes = run();
    } finally {
      publishing = undefined;
      for (const then of after)
        try {
          then();
        } catch (error) {
          failed ??= [error];
        }
      last = performance.now();
      burstSpacing = Math.min(
        BURST_SPACING_MAX_MS,
        Math.max(BURST_SPACING_MS, (last - started) * BURST_COST_FACTOR),
      );
      if ((changes ?? 1) >= BURST_CHANGES) bursting = true;
      askFrame();
    }
    if (failed) throw failed[0];
  };
  /** How long the next publication waits for the burst's spacing; 0 outside a burst. */
  const burstWait = () => {
    const now = performance.now();
    if (last === undefined || now - last > BURST_QUIET_MS) {
      // Quiet for a while: whatever comes next starts afresh. (Not a frame with nothing to publish:
      // a burst comes in network chunks, and a frame may well begin between two of them.)
      bursting = false;
      return 0;
    }
    return bursting ? Math.max(0, last + burstSpacing - now) : 0;
  };
  return (run, pending) => {
    if (typeof requestAnimationFrame === 'undefined' || document.visibilityState === 'hidden')
      return afterTask(run);
    const spacing = burstWait();
    if (sinceFrame < TASK_PUBLICATIONS && spacing === 0) {
      // Counted now, but the frame is asked for only once the change is made (by `publish`): Chromium
      // starts a frame asked for by an idle page at once, ahead of the publication's task, with
      // nothing new to paint; the change then waited a whole frame for the next.
      sinceFrame++;
      return afterTask(() => publish(run));
    }
    // The next frame (once the burst's spacing has passed); or a timer, should frames stop (a tab
    // hidden meanwhile) with this one pending.
    let done = false;
    let frame: number | undefined;
    const cancel = () => {
      done = true;
      if (frame !== undefined) cancelAnimationFrame(frame);
      clearTimeout(spaced);
      clearTimeout(timer);
    };
    const fire = () => {
      if (done) return;
      cancel();
      sinceFrame = TASK_PUBLICATIONS;
      publish(run);
    };
    const nextFrame = () => void (frame ??= requestAnimationFrame(fire));
    const spaced = spacing ? setTimeout(nextFrame, spacing) : nextFrame();
    const timer = setTimeout(fire, spacing + FRAME_FALLBACK_MS);
    if (spacing && pending) {
      // The spacing gives the time to events still coming. Once a whole task passes with none added,
      // and none comes before the next frame either, they have stopped: the publication goes out in
      // that frame, not when the spacing ends. Events that resume meanwhile keep the spacing. (A look
      // still queued when the publication went out finds it done.)
      let seen = pending();
      const check = () => {
        if (done) return;
        if (seen !== (seen = pending())) return void afterTask(check);
        requestAnimationFrame(() => {
          if (done) return;
          if (seen === pending()) fire();
          else check();
        });
      };
      afterTask(check);
    }
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
    schedulePublish: framePaced(),
    nextTask: () => new Promise<void>((resolve) => void afterTask(resolve)),
  };
}
