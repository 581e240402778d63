import { createSignal } from 'solid-js';
import type { CommunicationClient } from '../sdk/index.ts';
import type { SessionEnvironment } from './environment.ts';
import { isMissingMethod } from './retry.ts';

/** How long "is typing" shows after the last signal, in ms. */
export const TYPING_SHOWN_MS = 6000;
/** At most one signal per conversation this often while the person types, in ms. */
export const TYPING_EVERY_MS = 3000;

/** Who is typing where: heard from the stream, forgotten after a while, on their message, or when the stream drops. */
export interface Typists {
  /** The keys typing in conversation `sid` now, in the order first heard (reactive). */
  in(sid: string): readonly string[];
  heard(sid: string, key: string): void;
  /** `key`'s message arrived in `sid`: they stopped typing it. */
  wrote(sid: string, key: string): void;
  /** The stream dropped: nothing heard still holds. */
  clear(): void;
}

export function makeTypists(
  env: Pick<SessionEnvironment, 'setTimeout' | 'clearTimeout'>,
  shownMs = TYPING_SHOWN_MS,
): Typists {
  const [now, setNow] = createSignal<ReadonlyMap<string, readonly string[]>>(new Map(), {
    equals: false,
  });
  const timers = new Map<string, unknown>();
  const id = (sid: string, key: string) => `${sid}\n${key}`;

  const set = (sid: string, change: (keys: readonly string[]) => readonly string[]) => {
    const map = now() as Map<string, readonly string[]>;
    const keys = change(map.get(sid) ?? []);
    if (keys.length > 0) map.set(sid, keys);
    else map.delete(sid);
    setNow(map);
  };
  const forget = (sid: string, key: string) => {
    const timer = timers.get(id(sid, key));
    if (timer === undefined) return;
    env.clearTimeout(timer);
    timers.delete(id(sid, key));
    set(sid, (keys) => keys.filter((k) => k !== key));
  };

  return {
    in: (sid) => now().get(sid) ?? [],
    heard(sid, key) {
      const timer = timers.get(id(sid, key));
      if (timer !== undefined) env.clearTimeout(timer);
      else set(sid, (keys) => [...keys, key]);
      // A timer, not a tracked scope: it forgets who stopped.
      /* eslint-disable solid/reactivity */
      timers.set(
        id(sid, key),
        env.setTimeout(() => forget(sid, key), shownMs),
      );
      /* eslint-enable solid/reactivity */
    },
    wrote: forget,
    clear() {
      for (const timer of timers.values()) env.clearTimeout(timer);
      timers.clear();
      if (now().size > 0) setNow(new Map());
    },
  };
}

/** Tells the server the person is typing: at most every `TYPING_EVERY_MS` per conversation. */
export interface TypingNotice {
  /** A key was pressed in the composer of `sid`, which holds text. */
  typed(sid: string): void;
  /** A message went out in `sid`: the others stopped showing "typing…", so the next key tells them at once. */
  sent(sid: string): void;
  /** Whether the server takes the signal (false once it answered that it has no such method). */
  readonly supported: boolean;
}

export function makeTypingNotice(options: {
  client: Pick<CommunicationClient, 'typing'>;
  env: Pick<SessionEnvironment, 'now'>;
  signal: AbortSignal;
  everyMs?: number;
}): TypingNotice {
  const everyMs = options.everyMs ?? TYPING_EVERY_MS;
  const last = new Map<string, number>();
  let supported = true;
  return {
    typed(sid) {
      const now = options.env.now();
      if (!supported || options.signal.aborted || now - (last.get(sid) ?? -Infinity) < everyMs)
        return;
      last.set(sid, now);
      options.client.typing({ sid }, options.signal).catch((error: unknown) => {
        // Nothing else is worth a word: the signal is a courtesy, and the next key tries again.
        if (isMissingMethod(error)) supported = false;
      });
    },
    sent(sid) {
      last.delete(sid);
    },
    get supported() {
      return supported;
    },
  };
}
