import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { afterPublication, framePaced } from '../../src/ui/frames.ts';

// A task after the current one is a message on a channel in the page; here it is a timer of 0 ms, so
// that the fake clock runs it, in order with the other timers, however busy the machine is.
vi.mock('../../src/sdk/task.ts', () => ({
  afterTask(run: () => void) {
    const timer = setTimeout(run, 0);
    return () => clearTimeout(timer);
  },
}));

/** Lets `ms` pass on the fake clock, running the timers and tasks due meanwhile. */
const wait = (ms: number) => vi.advanceTimersByTimeAsync(ms);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});

/** Frames that come when the test says (`frame()`), a schedule, and what it ran, in order. */
function framed() {
  const callbacks: FrameRequestCallback[] = [];
  vi.spyOn(window, 'requestAnimationFrame').mockImplementation((cb) => callbacks.push(cb));
  const frame = () => {
    for (const cb of callbacks.splice(0)) cb(performance.now());
  };
  return { frame, schedule: framePaced(), runs: [] as string[] };
}

afterEach(() => {
  Reflect.deleteProperty(document, 'visibilityState');
});

describe('publishing paced by frames', () => {
  it('runs what asks to follow a publication once all its changes are made, and nothing outside one; one that throws still lets the publication ask for its frame', async () => {
    const order: string[] = [];
    const callbacks: FrameRequestCallback[] = [];
    vi.spyOn(window, 'requestAnimationFrame').mockImplementation((cb) => {
      order.push('frame asked');
      return callbacks.push(cb);
    });
    expect(afterPublication(() => order.push('outside'))).toBe(false);
    const schedule = framePaced();
    schedule(() => {
      order.push('change');
      expect(afterPublication(() => order.push('first to follow'))).toBe(true);
      afterPublication(() => order.push('second to follow'));
      order.push('last change');
    });
    await wait(0);
    expect(order).toEqual([
      'change',
      'last change',
      'first to follow',
      'second to follow',
      'frame asked',
    ]);
    order.length = 0;
    for (const cb of callbacks.splice(0)) cb(performance.now());
    schedule(() => {
      afterPublication(() => {
        throw new Error('a broken follower');
      });
      afterPublication(() => order.push('after the broken one'));
    });
    await expect(wait(0)).rejects.toThrow('a broken follower');
    expect(order).toEqual(['after the broken one', 'frame asked']);
  });

  it('publishes the first change after the current task, without waiting for a frame', async () => {
    const frames = vi.spyOn(window, 'requestAnimationFrame').mockImplementation(() => 1);
    const schedule = framePaced();
    const run = vi.fn();
    schedule(run);
    expect(run).not.toHaveBeenCalled();
    await wait(5);
    expect(run).toHaveBeenCalledTimes(1);
    expect(frames).toHaveBeenCalledTimes(1);
  });

  it('asks for a frame only once a quiet change is published, so that the frame it asks for paints it', async () => {
    // Chromium starts a frame that an idle page asks for at once: asked for before the change, it ran
    // ahead of the publication's task with nothing new to paint, and the change waited for the next.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const order: string[] = [];
    const callbacks: FrameRequestCallback[] = [];
    vi.spyOn(window, 'requestAnimationFrame').mockImplementation((cb) => {
      order.push('frame asked');
      return callbacks.push(cb);
    });
    const schedule = framePaced();
    schedule(() => void order.push('published'));
    expect(order).toEqual([]);
    // After the current task.
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual(['published', 'frame asked']);
    // The next change goes out after its task too (the frame is asked for already); until that
    // frame, the one after waits for it.
    schedule(() => void order.push('second'));
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual(['published', 'frame asked', 'second']);
    schedule(() => void order.push('in the frame'));
    vi.advanceTimersByTime(50);
    expect(order).not.toContain('in the frame');
    for (const cb of callbacks.splice(0)) cb(performance.now());
    expect(order).toContain('in the frame');
  });

  it('publishes a second change after its task too, and defers a third before the next frame to that frame', async () => {
    const callbacks: FrameRequestCallback[] = [];
    vi.spyOn(window, 'requestAnimationFrame').mockImplementation((cb) => callbacks.push(cb));
    const schedule = framePaced();
    schedule(() => {});
    await wait(5);
    // A message's conversation update, a network chunk later: not left to the frame that paints the message.
    const second = vi.fn();
    schedule(second);
    await wait(5);
    expect(second).toHaveBeenCalledTimes(1);
    const third = vi.fn();
    schedule(third);
    await wait(5);
    expect(third).not.toHaveBeenCalled();
    for (const cb of callbacks.splice(0)) cb(performance.now());
    expect(third).toHaveBeenCalledTimes(1);
  });

  it('counts a publication made in a frame for that frame: a burst publishes once per frame, always in the frame', async () => {
    const { frame, schedule, runs } = framed();
    schedule(() => runs.push('first'));
    schedule(() => runs.push('second'));
    await wait(5);
    schedule(() => runs.push('in frame 1'));
    frame();
    expect(runs).toEqual(['first', 'second', 'in frame 1']);
    // A change right after the frame's publication waits for the next frame, not for the next task.
    schedule(() => runs.push('in frame 2'));
    await wait(5);
    expect(runs).toEqual(['first', 'second', 'in frame 1']);
    frame();
    expect(runs).toEqual(['first', 'second', 'in frame 1', 'in frame 2']);
    // A frame with nothing to publish, and a while with nothing: the next change goes out after its task again.
    frame();
    await wait(110);
    schedule(() => runs.push('quiet'));
    await wait(5);
    expect(runs.at(-1)).toBe('quiet');
  });

  it('does not space a lively chat: publications of a change or two each go out in their frames', async () => {
    const { frame, schedule, runs } = framed();
    const started = performance.now();
    for (const name of [
      'first',
      'frame 1',
      'frame 2',
      'frame 3',
      'frame 4',
      'frame 5',
      'frame 6',
    ]) {
      schedule(() => {
        runs.push(name);
        return 2;
      });
      frame();
      await wait(1);
    }
    expect(runs).toEqual([
      'first',
      'frame 1',
      'frame 2',
      'frame 3',
      'frame 4',
      'frame 5',
      'frame 6',
    ]);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('spaces a burst: once a publication carries eight changes, at most one every 33 ms, until 100 ms pass with nothing', async () => {
    const { frame, schedule, runs } = framed();
    const publishing = (name: string, changes: number) => () => {
      runs.push(name);
      return changes;
    };
    schedule(publishing('first', 1));
    schedule(publishing('second', 1));
    await wait(5);
    schedule(publishing('chunk', 8));
    frame();
    expect(runs).toEqual(['first', 'second', 'chunk']);
    // That one carried eight changes (a network chunk of a burst): the next waits 33 ms from it, then a frame.
    for (const next of ['spaced 1', 'spaced 2', 'spaced 3']) {
      const last = performance.now();
      schedule(publishing(next, 1));
      frame();
      await wait(20);
      frame();
      expect(runs.at(-1)).not.toBe(next);
      await wait(40);
      frame();
      expect(runs.at(-1)).toBe(next);
      expect(performance.now() - last).toBeGreaterThanOrEqual(30);
    }
    // A burst comes in network chunks: a frame that begins between two of them does not end it.
    frame();
    const between = performance.now();
    schedule(publishing('next chunk', 1));
    frame();
    await wait(60);
    frame();
    expect(runs.at(-1)).toBe('next chunk');
    expect(performance.now() - between).toBeGreaterThanOrEqual(30);
    // 100 ms with nothing to publish ends it: the next change goes out after its task.
    await wait(110);
    frame();
    schedule(publishing('quiet', 1));
    await wait(5);
    expect(runs.at(-1)).toBe('quiet');
  });

  it('spaces a burst by what its publications cost: four times the last one, at least 33 ms and at most 100', async () => {
    const { frame, schedule, runs } = framed();
    // The page's clock and timers, moved by the test: a publication costs time by moving the clock alone.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let clock = 1000;
    vi.spyOn(performance, 'now').mockImplementation(() => clock);
    const pass = (ms: number) => {
      clock += ms;
      vi.advanceTimersByTime(ms);
    };
    /** A publication of a burst that keeps the page busy for `ms` (a slow device, many new rows). */
    const costing = (name: string, ms: number) => () => {
      clock += ms;
      runs.push(name);
      return 8;
    };
    // The first two go out after the current task.
    schedule(() => void runs.push('first'));
    schedule(() => void runs.push('second'));
    await vi.advanceTimersByTimeAsync(0);
    schedule(costing('costs 20 ms', 20));
    frame();
    expect(runs).toEqual(['first', 'second', 'costs 20 ms']);
    /** Schedules a publication costing `cost` ms: it goes out in the first frame `ms` after the last one ended, not a frame earlier. */
    const spacedBy = (ms: number, name: string, cost: number) => {
      const before = runs.at(-1);
      schedule(costing(name, cost));
      pass(ms - 1);
      frame();
      expect(runs.at(-1)).toBe(before);
      pass(1);
      frame();
      expect(runs.at(-1)).toBe(name);
    };
    // The next waits 80 ms from the end of that one, not 33: the events get four fifths of the page.
    spacedBy(80, 'costs 60 ms', 60);
    // Four times 60 would be 240 ms: the wait stops at 100.
    spacedBy(100, 'cheap', 0);
    // A cheap one brings the spacing back to 33 ms.
    spacedBy(33, 'after a cheap one', 0);
  });

  it('publishes the last of a burst in the frame after its changes stop coming, without waiting for the spacing', async () => {
    const { frame, schedule, runs } = framed();
    // The page's clock and timers, moved by the test (a loaded machine must not let the spacing run out).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let clock = 1000;
    vi.spyOn(performance, 'now').mockImplementation(() => clock);
    /** 5 ms and the end of the current task: what was scheduled after it runs, a task per ms. */
    const aTaskLater = async () => {
      clock += 5;
      for (let i = 0; i < 5; i++) await vi.advanceTimersByTimeAsync(1);
    };
    const publishing = (name: string, changes: number) => () => {
      runs.push(name);
      return changes;
    };
    // Changes keep coming while `streaming`: each look finds more than the last.
    let streaming = true;
    let changes = 0;
    const pending = () => (streaming ? ++changes : changes);
    schedule(publishing('first', 1));
    schedule(publishing('second', 1));
    await aTaskLater();
    schedule(publishing('chunk', 8));
    frame();
    expect(runs).toEqual(['first', 'second', 'chunk']);

    // While events come, frames pass and the spacing holds.
    const since = performance.now();
    schedule(publishing('last of the burst', 3), pending);
    await aTaskLater();
    frame();
    await aTaskLater();
    frame();
    expect(runs.at(-1)).toBe('chunk');
    // They stop: the next frame carries the last publication, well before the 33 ms are up.
    streaming = false;
    await aTaskLater();
    expect(runs.at(-1)).toBe('chunk');
    frame();
    expect(runs.at(-1)).toBe('last of the burst');
    expect(performance.now() - since).toBeLessThan(33);

    // A pause between two network chunks: quiet for a task, but a change comes before the frame, so
    // that frame passes and the spacing holds.
    frame();
    streaming = false;
    schedule(publishing('next chunk', 2), pending);
    await aTaskLater();
    changes++;
    frame();
    expect(runs.at(-1)).toBe('last of the burst');
    // Quiet again until the next frame: out in it.
    await aTaskLater();
    frame();
    expect(runs.at(-1)).toBe('next chunk');
  });

  it('still publishes when frames stop coming (the tab was hidden meanwhile)', async () => {
    vi.spyOn(window, 'requestAnimationFrame').mockImplementation(() => 1);
    const schedule = framePaced();
    schedule(() => {});
    schedule(() => {});
    const third = vi.fn();
    schedule(third);
    await wait(200);
    expect(third).toHaveBeenCalledTimes(1);
  });

  it('publishes after each task in a hidden page', async () => {
    const frames = vi.spyOn(window, 'requestAnimationFrame');
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    const schedule = framePaced();
    const runs = vi.fn();
    schedule(runs);
    await wait(5);
    schedule(runs);
    await wait(5);
    expect(runs).toHaveBeenCalledTimes(2);
    expect(frames).not.toHaveBeenCalled();
  });
});
