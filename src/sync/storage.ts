/** Where unsent messages and drafts wait across reloads: the part of `Storage` the island uses. */
export type OutboxStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/**
 * The text stored under `key`: `null` when there is none, `undefined` when there is no storage or it
 * cannot be read (then nothing is known, not "none"; one warning names `what`). Never throws.
 */
export function readStored(
  storage: OutboxStorage | undefined,
  key: string,
  what: string,
): string | null | undefined {
  try {
    return storage && storage.getItem(key);
  } catch (error) {
    console.warn(`[hero-messaging] cannot read the ${what}: ${String(error)}`);
    return undefined;
  }
}

/**
 * Stores `text` under `key`, or removes the key for `null`; answers whether it did. Never throws: a
 * full or refusing storage is warned about, naming `what`.
 */
export function writeStored(
  storage: OutboxStorage | undefined,
  key: string,
  text: string | null,
  what: string,
): boolean {
  try {
    if (text === null) storage?.removeItem(key);
    else storage?.setItem(key, text);
    return true;
  } catch (error) {
    console.warn(`[hero-messaging] cannot save the ${what}: ${String(error)}`);
    return false;
  }
}
