/** What crosses the SDK's boundary with the world, injectable so tests need no global patching. */
export interface Environment {
  fetch: typeof fetch;
  /** unix ms. Default `Date.now`. */
  now: () => number;
  /** [0, 1). Default `Math.random`. */
  random: () => number;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
  /** Whether the device says it is online. Default `navigator.onLine`, true where unknown. */
  isOnline: () => boolean;
  /** Where `online` events come from. Default `globalThis` when it is an EventTarget (a window). */
  onlineEvents?: EventTarget;
  /** Whether the page can be seen. Default `document.visibilityState !== 'hidden'`, true without a document. */
  isVisible: () => boolean;
  /** Where `visibilitychange` events come from. Default `document` where there is one. */
  visibilityEvents?: EventTarget;
}

export function defaultEnvironment(overrides: Partial<Environment> = {}): Environment {
  const g = globalThis as typeof globalThis & {
    navigator?: { onLine?: boolean };
    document?: Document;
  };
  return {
    // Resolved at call time, so fake timers and a replaced fetch are honoured.
    fetch: (input, init) => g.fetch(input, init),
    now: () => Date.now(),
    random: () => Math.random(),
    setTimeout: (fn, ms) => g.setTimeout(fn, ms),
    clearTimeout: (handle) => g.clearTimeout(handle as ReturnType<typeof setTimeout>),
    isOnline: () => g.navigator?.onLine !== false,
    onlineEvents:
      typeof g.addEventListener === 'function' ? (g as unknown as EventTarget) : undefined,
    isVisible: () => g.document?.visibilityState !== 'hidden',
    visibilityEvents: g.document,
    ...overrides,
  };
}
