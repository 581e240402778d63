import type { SessionEnvironment } from './environment.ts';
import {
  parseOutbox,
  readOutbox,
  SEND_GRACE_MS,
  updateOutbox,
  type OutboxStorage,
  type StoredOutbox,
} from './outbox.ts';
import type { PendingSend } from './state.ts';
import type { ChatStore } from './store.ts';

export interface SharedOutboxOptions {
  store: ChatStore;
  env: SessionEnvironment;
  /** Where the outbox is kept. Default: nowhere (nothing is shared or saved). */
  storage?: OutboxStorage;
  /** Storage key of this identity's outbox (see `outboxKey`). */
  outboxKey?: string;
  /** This tab's id, written as the owner of the tries it makes. */
  tabId: string;
  /** Called when another tab's try ran past the grace: its entry now reads as failed, due for a flush. */
  onLeftBehind: () => void;
}

/**
 * The outbox as one list for every tab of an identity. The store's outbox is written
 * through to storage entry by entry (a read-change-write of what is stored now, so the other tabs'
 * entries stay), and what other tabs write (`storage` events) is merged into the store. Who sends
 * what, so that each message is sent once:
 *
 * - A tab sends what the person does in it (a new message, a Retry), marking the entry `sending` with
 *   itself as `owner` and the time its try began as `since`, before the RPC goes out.
 * - An entry another tab is sending (`sending`, under `SEND_GRACE_MS` old) is not sent: not by a
 *   Retry, not by a flush. Past the grace it reads as failed (its tab went away mid-send).
 * - Failed entries are resent on their own (the flush after a reconnect) by ONE tab: the leader of
 *   the shared stream, or the tab itself when it has its own stream. Before each try, the tab reads
 *   storage again and leaves the entry alone if another tab has just claimed it.
 *
 * The server's nonce stays the last guard, for what no tab can see: a try still running past the grace.
 *
 * No tab loses a send to another tab's writes: a send leaves storage only as done (confirmed or
 * discarded, see `StoredOutbox`), and a tab writes back every send it holds that storage lacks
 * otherwise (storage cleared by another tab, or overwritten by one that had not seen it yet).
 */
export interface SharedOutbox {
  /** Whether another tab is sending `nonce` now (read from storage, and shown so in this tab). */
  sentElsewhere(nonce: string): boolean;
  /** Stops writing and listening. */
  dispose(): void;
}

const mine = (p: PendingSend, tabId: string) => p.state === 'sending' && p.owner === tabId;
const same = (a: PendingSend, b: PendingSend) => JSON.stringify(a) === JSON.stringify(b);

/**
 * `stored` as this tab should show it: what storage says, except this tab's own tries, which it knows
 * better, and the sends it holds that storage lacks and does not count as done, which it keeps (to
 * write them back). Unchanged entries keep their objects, so their bubbles do not re-render.
 */
export function mergeStored(
  local: readonly PendingSend[],
  stored: StoredOutbox,
  tabId: string,
): PendingSend[] {
  const byNonce = new Map(local.map((p) => [p.nonce, p]));
  const merged = stored.sends.map((p) => {
    const held = byNonce.get(p.nonce);
    return held && (mine(held, tabId) || same(held, p)) ? held : p;
  });
  const known = new Set([...stored.sends, ...stored.done].map((p) => p.nonce));
  const kept = local.filter((p) => !known.has(p.nonce));
  // In the order written, wherever storage put the others.
  if (kept.length > 0) {
    merged.push(...kept);
    merged.sort((a, b) => a.created_at - b.created_at);
  }
  return merged.length === local.length && merged.every((p, i) => p === local[i])
    ? (local as PendingSend[])
    : merged;
}

export function makeSharedOutbox(options: SharedOutboxOptions): SharedOutbox {
  const { store, env, storage, outboxKey: key, tabId } = options;
  if (!key) return { sentElsewhere: () => false, dispose() {} };
  let merging = false;
  let timer: unknown;

  /** What storage holds now; `undefined` when it cannot be read or makes no sense (then the store is left as it is). */
  const stored = () => {
    const text = readOutbox(storage, key);
    return text === undefined ? undefined : parseOutbox(text, env.now());
  };

  const merge = (entries: StoredOutbox) => {
    mark((outbox) => mergeStored(outbox, entries, tabId));
    const outbox = store.state().outbox;
    if (outbox.some((p) => !entries.sends.some((s) => s.nonce === p.nonce))) save(outbox, outbox);
    watchGrace();
  };

  /**
   * Writes what changed from `previous` to `next` (a send gone from it is done), and every send of
   * `next` that storage lacks, over what storage holds now: the other tabs' entries stay. A send
   * storage does not hold afterwards (full, or refusing) is marked `unsaved`, so the person learns
   * at once that a reload loses it; the mark goes once a later write stores it.
   */
  function save(next: readonly PendingSend[], previous: readonly PendingSend[]): void {
    const now = env.now();
    const before = new Map(previous.map((p) => [p.nonce, p]));
    const after = new Set(next.map((p) => p.nonce));
    const kept = updateOutbox(storage, key!, now, ({ sends, done }) => {
      const finished = new Set(done.map((d) => d.nonce));
      const marks = [...done];
      for (const p of previous) {
        if (after.has(p.nonce) || finished.has(p.nonce)) continue;
        marks.push({ nonce: p.nonce, at: now });
        finished.add(p.nonce);
      }
      const kept = sends.filter((p) => !finished.has(p.nonce));
      for (const p of next) {
        if (finished.has(p.nonce)) continue;
        const at = kept.findIndex((s) => s.nonce === p.nonce);
        if (at < 0) kept.push(p);
        else if (before.get(p.nonce) !== p) kept[at] = p;
      }
      return { sends: kept, done: marks };
    });
    const held = new Set(kept?.sends.map((p) => p.nonce));
    mark((outbox) => {
      const marked = outbox.map((p) => {
        if (!p.unsaved === held.has(p.nonce)) return p;
        const { unsaved, ...rest } = p;
        return unsaved ? rest : { ...rest, unsaved: true as const };
      });
      return marked.some((p, i) => p !== outbox[i]) ? marked : outbox;
    });
  }

  /** Changes the store's outbox as storage already has it: nothing to write. */
  function mark(change: (outbox: PendingSend[]) => PendingSend[]): void {
    merging = true;
    try {
      store.update((s) => {
        const outbox = change(s.outbox);
        return outbox === s.outbox ? s : { ...s, outbox };
      });
    } finally {
      merging = false;
    }
  }

  /** Wakes when the first of the other tabs' tries runs past the grace. */
  function watchGrace(): void {
    env.clearTimeout(timer);
    const ends = store
      .state()
      .outbox.filter((p) => p.state === 'sending' && p.owner !== tabId && p.since !== undefined)
      .map((p) => p.since! + SEND_GRACE_MS);
    if (ends.length === 0) return;
    timer = env.setTimeout(
      () => {
        const entries = stored();
        if (entries) merge(entries);
        options.onLeftBehind();
      },
      Math.max(0, Math.min(...ends) - env.now()),
    );
  }

  // Every change of the outbox made here is written, whoever made it (a send, its echo, a discard).
  const unwatch = store.watch((next, previous) => {
    if (!merging && next.outbox !== previous.outbox) save(next.outbox, previous.outbox);
  });

  const onStorage = (event: Event) => {
    const changed = (event as StorageEvent).key;
    // Another key changed: room may have been made for what could not be stored.
    if (changed !== key && changed !== null) {
      const outbox = store.state().outbox;
      if (outbox.some((p) => p.unsaved)) save(outbox, outbox);
      return;
    }
    // `key` null: the whole storage was cleared.
    const entries = stored();
    if (entries) merge(entries);
  };
  env.storageEvents?.addEventListener('storage', onStorage);
  watchGrace();

  return {
    sentElsewhere(nonce) {
      const entries = stored();
      const entry = entries?.sends.find((p) => p.nonce === nonce);
      if (!entry || entry.state !== 'sending' || entry.owner === tabId) return false;
      merge(entries!);
      return true;
    },
    dispose() {
      unwatch();
      env.clearTimeout(timer);
      env.storageEvents?.removeEventListener('storage', onStorage);
    },
  };
}
