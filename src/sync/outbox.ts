import { ContentSchema, NonceSchema, v } from '../protocol/index.ts';
import type { PendingSend } from './state.ts';

/** Where unsent messages wait across reloads: the part of `Storage` the outbox uses. */
export type OutboxStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** An entry older than this is not resent on its own (DESIGN §8). */
export const OUTBOX_MAX_AGE_MS = 24 * 60 * 60 * 1000;

const EntrySchema = v.object({
  nonce: NonceSchema,
  conversation_sid: v.sized(v.string(), 1, 128),
  content: ContentSchema,
  created_at: v.number(),
  state: v.picklist(['sending', 'failed']),
  error: v.optional(v.string()),
  retryable: v.optional(v.boolean()),
});

/** The storage key for one (origin, context, key). */
export function outboxKey(origin: string, context: string, publicKey: string): string {
  return `hero-messaging:outbox:${JSON.stringify([origin, context, publicKey])}`;
}

/**
 * Reads the outbox. Entries still `sending` were interrupted (a reload), so they come back as failed
 * until retried. A corrupt entry is dropped with a readable warning; the rest is kept.
 */
export function loadOutbox(storage: OutboxStorage | undefined, key: string): PendingSend[] {
  let text: string | null = null;
  try {
    text = storage?.getItem(key) ?? null;
  } catch (error) {
    console.warn(`[hero-messaging] cannot read the outbox: ${String(error)}`);
  }
  if (!text) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    console.warn('[hero-messaging] the stored outbox is not JSON; starting with an empty one');
    return [];
  }
  if (!Array.isArray(raw)) {
    console.warn('[hero-messaging] the stored outbox is not a list; starting with an empty one');
    return [];
  }
  const entries: PendingSend[] = [];
  for (const item of raw) {
    const parsed = v.parse(EntrySchema, item);
    if (parsed.ok) entries.push({ ...parsed.value, state: 'failed', error: parsed.value.error ?? 'the page closed before it went out' });
    else console.warn('[hero-messaging] dropped a corrupt outbox entry');
  }
  return entries;
}

export function saveOutbox(storage: OutboxStorage | undefined, key: string, outbox: readonly PendingSend[]): void {
  try {
    if (outbox.length === 0) storage?.removeItem(key);
    else storage?.setItem(key, JSON.stringify(outbox));
  } catch (error) {
    console.warn(`[hero-messaging] cannot save the outbox: ${String(error)}`);
  }
}

/** Entries to resend on their own when the stream is live: not older than a day, not refused. */
export function dueForRetry(outbox: readonly PendingSend[], now: number): PendingSend[] {
  return outbox.filter(
    (p) => p.state === 'failed' && p.retryable !== false && now - p.created_at < OUTBOX_MAX_AGE_MS,
  );
}
