import type { OutboxStorage } from '../../src/sync/index.ts';

/**
 * `localStorage` of one origin seen from several tabs: one store of strings, and a `storage` event
 * (with `key`) delivered as a task to every OTHER tab after each change, as browsers do (the writing
 * tab hears nothing). `corrupt` writes as another tab would, bypassing the outbox code.
 */
export interface FakeOrigin {
  tab(): { storage: OutboxStorage; events: EventTarget };
  readonly items: Map<string, string>;
  /** Writes `value` under `key` from a tab that is none of the test's. */
  write(key: string, value: string): void;
  /** `localStorage.clear()` in a tab that is none of the test's: every key goes, and the others hear `key` null. */
  clear(): void;
  /** While true, every `setItem` throws a `QuotaExceededError`, as a full `localStorage` does. */
  full: boolean;
}

export function createFakeOrigin(): FakeOrigin {
  const items = new Map<string, string>();
  const tabs: EventTarget[] = [];
  const changed = (from: EventTarget | undefined, key: string | null) => {
    for (const events of tabs) {
      if (events !== from)
        setTimeout(() => events.dispatchEvent(Object.assign(new Event('storage'), { key })), 0);
    }
  };
  const origin: FakeOrigin = {
    full: false,
    items,
    tab() {
      const events = new EventTarget();
      tabs.push(events);
      return {
        events,
        storage: {
          getItem: (key) => items.get(key) ?? null,
          setItem(key, value) {
            if (origin.full)
              throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
            items.set(key, value);
            changed(events, key);
          },
          removeItem(key) {
            items.delete(key);
            changed(events, key);
          },
        },
      };
    },
    write(key, value) {
      items.set(key, value);
      changed(undefined, key);
    },
    clear() {
      items.clear();
      changed(undefined, null);
    },
  };
  return origin;
}

/** `localStorage` of one tab, kept in `items`, with no events: for a session or sender on its own. */
export const mapStorage = (items: Map<string, string>): OutboxStorage => ({
  getItem: (key) => items.get(key) ?? null,
  setItem: (key, value) => void items.set(key, value),
  removeItem: (key) => void items.delete(key),
});
