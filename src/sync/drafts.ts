import { createSignal, type Signal } from 'solid-js';
import { LIMITS } from '../protocol/index.ts';
import { readStored, writeStored, type OutboxStorage } from './storage.ts';

/**
 * The most a draft (and the composer) holds: the content limit and a margin, so a paste a little too
 * long stays whole for the person to shorten, with the counter and "limited to" showing. A draft
 * far longer would cost the page a long task (layout of every line) each time its chat opens.
 */
export const DRAFT_MAX = LIMITS.contentMax + 1000;

/** `text` cut to `DRAFT_MAX`, never inside a surrogate pair. */
const capDraft = (text: string): string =>
  text.length > DRAFT_MAX ? text.slice(0, DRAFT_MAX).replace(/[\uD800-\uDBFF]$/, '') : text;

/**
 * The storage key of one chat's draft: per (server, context, key) like the outbox's (see
 * `outboxKey`), and sid. Versions that keyed drafts by the page's origin wrote the same key with
 * that origin in place of the server.
 */
export function draftKey(server: string, context: string, publicKey: string, sid: string): string {
  return `hero-messaging:draft:${JSON.stringify([server, context, publicKey, sid])}`;
}

/**
 * Reads a draft; `''` when there is none, or (with one warning) when storage refuses or what is
 * stored is not a draft. One longer than `DRAFT_MAX` is cut to it, with a warning (storage keeps it
 * whole until the draft changes).
 */
export function loadDraft(storage: OutboxStorage | undefined, key: string): string {
  const text = readStored(storage, key, 'draft');
  if (!text) return '';
  try {
    const draft: unknown = JSON.parse(text);
    // Stored as { text }: anything else was not written by this version of the island.
    const kept = (draft as { text?: unknown } | null)?.text;
    if (typeof kept === 'string') {
      if (kept.length > DRAFT_MAX)
        console.warn(
          `[hero-messaging] a stored draft of ${kept.length} characters was cut to ${DRAFT_MAX}`,
        );
      return capDraft(kept);
    }
  } catch {
    // Not JSON: warned about below, like a wrong shape.
  }
  console.warn('[hero-messaging] ignored a stored draft that could not be read');
  return '';
}

/** Keeps a draft, or forgets it when it is only whitespace; answers whether it did. Never throws (storage full or refused). */
export function saveDraft(storage: OutboxStorage | undefined, key: string, text: string): boolean {
  return writeStored(storage, key, text.trim() === '' ? null : JSON.stringify({ text }), 'draft');
}

/** What is being written in each chat, readable reactively (a list row shows it as "Draft: …"). */
export interface Drafts {
  /** The draft of chat `sid`, `''` when none (reactive). */
  get(sid: string): string;
  /** Keeps `text` (cut to `DRAFT_MAX`) as the draft of `sid` at once, in memory and in storage (where whitespace only is no draft). */
  set(sid: string, text: string): void;
}

/**
 * Drafts of one identity: read from `storage` the first time a chat asks, written on every change
 * (a `setItem` of a few bytes costs less than a keystroke's render). `keyOf` is usually
 * `(sid) => draftKey(server, context, publicKey, sid)`. A draft found only under `legacyKeyOf(sid)`
 * (where an older version kept it) moves to `keyOf(sid)`. Without storage they live as long as the island.
 */
export function createDrafts(
  storage: OutboxStorage | undefined,
  keyOf: (sid: string) => string,
  legacyKeyOf?: (sid: string) => string,
): Drafts {
  const signals = new Map<string, Signal<string>>();
  const signalOf = (sid: string) => {
    let signal = signals.get(sid);
    if (!signal) {
      let text = loadDraft(storage, keyOf(sid));
      const legacy = legacyKeyOf?.(sid);
      if (!text && legacy) {
        text = loadDraft(storage, legacy);
        if (text && saveDraft(storage, keyOf(sid), text))
          writeStored(storage, legacy, null, 'draft');
      }
      const [read, write] = createSignal(text);
      signal = [read, write];
      signals.set(sid, signal);
    }
    return signal;
  };
  return {
    get: (sid) => signalOf(sid)[0](),
    set(sid, text) {
      text = capDraft(text);
      signalOf(sid)[1](text);
      saveDraft(storage, keyOf(sid), text);
    },
  };
}
