import { ContentSchema, NonceSchema, v } from '../protocol/index.ts';
import { SAID_MAX, type SendFailure } from './send-failure.ts';
import type { PendingSend } from './state.ts';
import { readStored, writeStored, type OutboxStorage } from './storage.ts';

export type { OutboxStorage } from './storage.ts';

/** An entry older than this is not resent on its own. */
export const OUTBOX_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * How long a tab's try at a send counts as running. An entry still `sending` past it was left behind
 * (its tab closed or crashed mid-send): it reads as failed, and the tab that flushes sends it.
 */
export const SEND_GRACE_MS = 30_000;

/** How many nonces of sends that are done the outbox remembers, and for how long (see `StoredOutbox`). */
export const DONE_KEPT = 100;
export const DONE_KEPT_MS = OUTBOX_MAX_AGE_MS;

/**
 * The outbox as stored: the sends not confirmed yet, and the nonces of those a tab confirmed or
 * discarded lately (`at`, unix ms). Every tab holds the sends it knows of, and writes back one that
 * storage lacks (cleared by another tab, or overwritten by a tab that had not seen it), unless it is
 * done: so a send leaves storage only when it is done, and no tab brings it back then.
 */
export interface StoredOutbox {
  sends: PendingSend[];
  done: { nonce: string; at: number }[];
}

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

const DoneSchema = v.object({ nonce: NonceSchema, at: v.number() });

/**
 * The storage key of one identity's outbox: the server (its osis-url as `normalizeOsisUrl` gives it,
 * which names the tabs' shared stream too), the context and the key, so that a tab never sends
 * another server's message. The `v2` holds a `StoredOutbox`; what versions before it stored (a
 * list of sends, per page origin) is under `legacyOutboxKey`.
 */
export function outboxKey(server: string, context: string, publicKey: string): string {
  return `hero-messaging:outbox:v2:${JSON.stringify([server, context, publicKey])}`;
}

/** Where versions before `outboxKey`'s `v2` kept the outbox, as a list of sends: per page origin, whatever server they talked to. */
export function legacyOutboxKey(origin: string, context: string, publicKey: string): string {
  return `hero-messaging:outbox:${JSON.stringify([origin, context, publicKey])}`;
}

/** The stored outbox's text, or `undefined` when storage cannot be read (then nothing is known, not "empty"). */
export const readOutbox = (
  storage: OutboxStorage | undefined,
  key: string,
): string | null | undefined => readStored(storage, key, 'outbox');

/**
 * The outbox in `text` (a `StoredOutbox`, or the list of sends an older version stored), as of `now`.
 * An entry `sending` counts as being sent only while a tab's try at it is under `SEND_GRACE_MS` old;
 * otherwise it reads as failed (`not sent yet`). A send that is done is left out. A corrupt entry is
 * dropped with a readable warning, the rest kept; text that is not an outbox is `undefined`, with a
 * warning. Never throws.
 */
export function parseOutbox(text: string | null, now: number): StoredOutbox | undefined {
  if (text === null) return { sends: [], done: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = undefined;
  }
  const shaped = raw as Partial<Record<keyof StoredOutbox, unknown>> | null;
  const list = Array.isArray(raw) ? raw : shaped?.sends;
  const marks = Array.isArray(raw) ? [] : shaped?.done;
  if (!Array.isArray(list) || !Array.isArray(marks)) {
    console.warn('[hero-messaging] the stored outbox is not an outbox; ignored');
    return undefined;
  }
  const done = marks.flatMap((item: unknown) => {
    const parsed = v.parse(DoneSchema, item);
    return parsed.ok ? [parsed.value] : [];
  });
  const finished = new Set(done.map((d) => d.nonce));
  const sends: PendingSend[] = [];
  for (const item of list) {
    // A reason the island cannot read is dropped, the message kept.
    const reason = item as { failure?: unknown } | null;
    if (reason?.failure !== undefined && !v.parse(FailureSchema, reason.failure).ok)
      delete reason.failure;
    const parsed = v.parse(EntrySchema, item);
    if (!parsed.ok) {
      console.warn('[hero-messaging] dropped a corrupt outbox entry');
      continue;
    }
    const p: PendingSend = parsed.value;
    if (finished.has(p.nonce)) continue;
    if (p.state === 'failed' || !p.owner || !(now - p.since! < SEND_GRACE_MS)) {
      // Left behind while it was being sent: its page closed first.
      if (p.state === 'sending') p.failure = { why: 'closed' };
      p.state = 'failed';
      delete p.owner;
      delete p.since;
    }
    sends.push(p);
  }
  return { sends, done };
}

/** Reads the sends of the outbox (see `parseOutbox`). */
export function loadOutbox(
  storage: OutboxStorage | undefined,
  key: string,
  now = Date.now(),
): PendingSend[] {
  const text = readOutbox(storage, key);
  return (text === undefined ? undefined : parseOutbox(text, now))?.sends ?? [];
}

/**
 * Changes the stored outbox as it is now (other tabs write it too): reads it, applies `change`, and
 * writes the result when it differs (done marks past `DONE_KEPT_MS`, or beyond the newest
 * `DONE_KEPT`, are forgotten; an entry's `unsaved` is not written). Answers the outbox stored now:
 * what `change` answered, or what was there when storage refused the write (full, say: nothing
 * stored is dropped to make room); `undefined` when storage cannot be read (nothing is written then).
 */
export function updateOutbox(
  storage: OutboxStorage | undefined,
  key: string,
  now: number,
  change: (stored: StoredOutbox) => StoredOutbox,
): StoredOutbox | undefined {
  const text = readOutbox(storage, key);
  if (text === undefined) return undefined;
  const stored = parseOutbox(text, now) ?? { sends: [], done: [] };
  const next = change(stored);
  const sends = next.sends.map(({ unsaved: _, ...p }) => p);
  const done = next.done.filter((d) => now - d.at < DONE_KEPT_MS).slice(-DONE_KEPT);
  const json = sends.length + done.length === 0 ? null : JSON.stringify({ sends, done });
  return json === text || writeStored(storage, key, json, 'outbox') ? next : stored;
}

/**
 * Moves the sends an older version stored under `from` (see `legacyOutboxKey`) into the outbox
 * under `to`, less those done there, then removes `from`; leaves `from` as it is when the move
 * cannot be stored, so nothing is lost.
 */
export function adoptOutbox(
  storage: OutboxStorage | undefined,
  from: string,
  to: string,
  now: number,
): void {
  const text = readOutbox(storage, from);
  const old = text ? parseOutbox(text, now) : undefined;
  if (!old) return;
  const after = updateOutbox(storage, to, now, ({ sends, done }) => {
    const known = new Set([...sends, ...done].map((p) => p.nonce));
    return { sends: [...sends, ...old.sends.filter((p) => !known.has(p.nonce))], done };
  });
  const there = new Set([...(after?.sends ?? []), ...(after?.done ?? [])].map((p) => p.nonce));
  if (after && old.sends.every((p) => there.has(p.nonce)))
    writeStored(storage, from, null, 'outbox');
}

/** Entries to resend on their own when the stream is live: not older than a day, not refused. */
export function dueForRetry(outbox: readonly PendingSend[], now: number): PendingSend[] {
  return outbox.filter(
    (p) => p.state === 'failed' && p.retryable !== false && now - p.created_at < OUTBOX_MAX_AGE_MS,
  );
}
