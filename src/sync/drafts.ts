import { createSignal, type Signal } from 'solid-js';
import { readStored, writeStored, type OutboxStorage } from './storage.ts';

/**
 * The storage key of one chat's draft: per (server, context, key) like the outbox's (see
 * `outboxKey`), and sid. Versions that keyed drafts by the page's origin wrote the same key with
 * that origin in place of the server.
 */
export function draftKey(server: string, context: string, publicKey: string, sid: string): string {
  return `hero-messaging:draft:${JSON.stringify([server, context, publicKey, sid])}`;
}

/** Reads a draft; `''` when there is none, or (with one warning) when storage refuses or what is stored is not a draft. */
export function loadDraft(storage: OutboxStorage | undefined, key: string): string {
  const text = readStored(storage, key, 'draft');
  if (!text) return '';
  try {
    const draft: unknown = JSON.parse(text);
    // Stored as { text }: anything else was not written by this version of the island.
    if (typeof (draft as { text?: unknown } | null)?.text === 'string') return (draft as { text: string }).text;
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
  /** Keeps `text` as the draft of `sid` at once, in memory and in storage (where whitespace only is no draft). */
  set(sid: string, text: string): void;
}

/**
 * Drafts of one identity: read from `storage` the first time a chat asks, written on every change
 * (a `setItem` of a few bytes costs less than a keystroke's render). `keyOf` is usually
 * `(sid) => draftKey(server, context, publicKey, sid)`. A draft found only under `legacyKeyOf(sid)`
 * (where an older version kept it) moves to `keyOf(sid)`. Without storage they live as long as the island.
 */
export function createDrafts(storage: OutboxStorage | undefined, keyOf: (sid: string) => string, legacyKeyOf?: (sid: string) => string): Drafts {
  const signals = new Map<string, Signal<string>>();
  const signalOf = (sid: string) => {
    let signal = signals.get(sid);
    if (!signal) {
      let text = loadDraft(storage, keyOf(sid));
      const legacy = legacyKeyOf?.(sid);
      if (!text && legacy) {
        text = loadDraft(storage, legacy);
        if (text && saveDraft(storage, keyOf(sid), text)) writeStored(storage, legacy, null, 'draft');
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
      signalOf(sid)[1](text);
      saveDraft(storage, keyOf(sid), text);
    },
  };
}
