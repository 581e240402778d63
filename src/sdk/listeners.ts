/** A set of listeners of one kind, each told every value; `add` answers the function that removes it. */
export interface Listeners<T> {
  add(listener: (value: T) => void): () => void;
  /** Tells each listener `value`; one that throws is logged and the others still hear. */
  tell(value: T): void;
  /** Removes every listener. */
  clear(): void;
}

/** `what` names the listeners in the line logged when one throws. */
export function makeListeners<T>(what: string): Listeners<T> {
  const listeners = new Set<(value: T) => void>();
  return {
    add(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    tell(value) {
      for (const listener of listeners) {
        try {
          listener(value);
        } catch (error) {
          console.error(`[hero-messaging] ${what} failed`, error);
        }
      }
    },
    clear: () => listeners.clear(),
  };
}
