import { ContentSchema, NonceSchema, v } from '../protocol/index.ts';
import { SAID_MAX, type SendFailure } from './send-failure.ts';
import type { PendingSend } from './state.ts';
import { readStored, writeStored, type OutboxStorage } from './storage.ts';

export type { OutboxStorage } from './storage.ts';

/** An entry older than this is not resent on its own (DESIGN §8). */
export const OUTBOX_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * How long a tab's try at a send counts as running. An entry still `sending` past it was left behind
 * (its tab closed or crashed mid-send): it reads as failed, and the tab that flushes sends it.
 */
export const SEND_GRACE_MS = 30_000;

const FailureSchema = v.variant<SendFailure>('why', {
  unreachable: v.object({ why: v.literal('unreachable') }),
  closed: v.object({ why: v.literal('closed') }),
  refused: v.object({ why: v.literal('refused'), said: v.sized(v.string(), 0, SAID_MAX) }),
  trouble: v.object({ why: v.literal('trouble'), status: v.optional(v.integer(100, 599)) }),
});

const EntrySchema = v.object({
  nonce: NonceSchema,
  conversation_sid: v.sized(v.string(), 1, 128),
  content: ContentSchema,
  created_at: v.number(),
  state: v.picklist(['sending', 'failed']),
  failure: v.optional(FailureSchema),
  retryable: v.optional(v.boolean()),
  owner: v.optional(v.sized(v.string(), 1, 64)),
  since: v.optional(v.number()),
});

/** The storage key for one (origin, context, key). */
export function outboxKey(origin: string, context: string, publicKey: string): string {
  return `hero-messaging:outbox:${JSON.stringify([origin, context, publicKey])}`;
}

/** The stored outbox's text, or `undefined` when storage cannot be read (then nothing is known, not "empty"). */
export const readOutbox = (storage: OutboxStorage | undefined, key: string): string | null | undefined => readStored(storage, key, 'outbox');

/**
 * The outbox in `text`, as of `now`. An entry `sending` counts as being sent only while a tab's try at
 * it is under `SEND_GRACE_MS` old; otherwise it reads as failed (`not sent yet`). A corrupt entry is
 * dropped with a readable warning, the rest kept; text that is not a JSON list is `undefined`, with a
 * warning. Never throws.
 */
export function parseOutbox(text: string | null, now: number): PendingSend[] | undefined {
  if (text === null) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = undefined;
  }
  if (!Array.isArray(raw)) {
    console.warn('[hero-messaging] the stored outbox is not a JSON list; ignored');
    return undefined;
  }
  const entries: PendingSend[] = [];
  for (const item of raw) {
    // A reason the island cannot read is dropped, the message kept.
    const reason = item as { failure?: unknown } | null;
    if (reason?.failure !== undefined && !v.parse(FailureSchema, reason.failure).ok) delete reason.failure;
    const parsed = v.parse(EntrySchema, item);
    if (!parsed.ok) {
      console.warn('[hero-messaging] dropped a corrupt outbox entry');
      continue;
    }
    const p: PendingSend = parsed.value;
    if (p.state === 'failed' || !p.owner || !(now - p.since! < SEND_GRACE_MS)) {
      // Left behind while it was being sent: its page closed first.
      if (p.state === 'sending') p.failure = { why: 'closed' };
      p.state = 'failed';
      delete p.owner;
      delete p.since;
    }
    entries.push(p);
  }
  return entries;
}

/** Reads the outbox (see `parseOutbox`). */
export function loadOutbox(storage: OutboxStorage | undefined, key: string, now = Date.now()): PendingSend[] {
  const text = readOutbox(storage, key);
  return (text === undefined ? undefined : parseOutbox(text, now)) ?? [];
}

/**
 * Changes the stored outbox as it is now (other tabs write it too): reads it, applies `change`, and
 * writes the result when it differs. Does nothing when storage cannot be read.
 */
export function updateOutbox(storage: OutboxStorage | undefined, key: string, now: number, change: (stored: PendingSend[]) => PendingSend[]): void {
  const text = readOutbox(storage, key);
  if (text === undefined) return;
  const next = change(parseOutbox(text, now) ?? []);
  const json = next.length === 0 ? null : JSON.stringify(next);
  if (json !== text) writeStored(storage, key, json, 'outbox');
}

/** Entries to resend on their own when the stream is live: not older than a day, not refused. */
export function dueForRetry(outbox: readonly PendingSend[], now: number): PendingSend[] {
  return outbox.filter(
    (p) => p.state === 'failed' && p.retryable !== false && now - p.created_at < OUTBOX_MAX_AGE_MS,
  );
}
