import type { Receipt } from '../protocol/index.ts';
import type { Bubble } from './state.ts';

/**
 * The newest of `me`'s own messages that someone else has read, and who (in the order the receipts
 * came): "Seen" under that bubble in a DM, "Seen by …" in a group. Undefined while nobody has read
 * any (or the server sends no receipts).
 */
export function seenOf(
  bubbles: readonly Bubble[],
  readBy: readonly Receipt[] | undefined,
  me: string,
): { key: string; readers: Receipt[] } | undefined {
  const others = readBy?.filter((r) => r.reader_key !== me);
  if (!others?.length) return undefined;
  for (let i = bubbles.length - 1; i >= 0; i--) {
    const b = bubbles[i]!;
    if (b.sender_public_key !== me || b.seq === undefined || b.deleted) continue;
    const readers = others.filter((r) => r.message_seq >= b.seq!);
    if (readers.length > 0) return { key: b.key, readers };
  }
  return undefined;
}
