import type { ServerEvent } from '../protocol/index.ts';
import type { StreamItem, StreamStatus, Subscription } from '../sdk/index.ts';
import type { SessionEnvironment } from './environment.ts';
import type { ReadMarker } from './read-marker.ts';
import { findRow } from './rows.ts';
import type { Snapshotter } from './snapshotter.ts';
import type { ChatState } from './state.ts';
import type { SessionHealth } from './status.ts';
import type { ChatStore } from './store.ts';
import type { Typists } from './typing.ts';

/** Longest stretch of event handling before the page gets a turn (renders, input). Default 10 ms. */
export const SLICE_MS = 10;

/**
 * Consumes `subscription` until it ends, a batch at a time, handing each item to `onItem`. A backlog
 * read in one go (after a burst or a reconnect) arrives as one long run of microtasks; it is cut into
 * short tasks (`env.nextTask`) so the page keeps rendering and answering input meanwhile. Never throws:
 * a failure of the loop is logged and ends it like any other end. Resolves when the loop has ended.
 */
export async function runStreamLoop(
  subscription: Subscription,
  env: SessionEnvironment,
  onItem: (item: StreamItem) => void,
  sliceMs = SLICE_MS,
): Promise<void> {
  let sliceStart = env.now();
  let waitStart = sliceStart;
  try {
    for await (const batch of subscription.batches()) {
      // Waiting for the stream is no work: after a wait longer than a slice, the page has had its
      // turn, and this batch starts a slice of its own. (A backlog's batches follow one another with
      // no such wait, and share the slice.) Else a message from a quiet stream went on to the next
      // task after its first event, and its conversation's update was published apart from it.
      if (env.now() - waitStart > sliceMs) sliceStart = env.now();
      for (const item of batch) {
        onItem(item);
        if (env.now() - sliceStart > sliceMs) {
          await env.nextTask();
          sliceStart = env.now();
        }
      }
      waitStart = env.now();
    }
  } catch (error) {
    console.error('[hero-messaging] the subscription loop failed', error);
  }
}

/** What the session's handling of the stream's items needs (see `makeItemHandler`). */
export interface StreamParts {
  /** Aborted once the session is disposed. */
  signal: AbortSignal;
  /** The person's public key. */
  me: string;
  store: ChatStore;
  subscription: Subscription;
  health: SessionHealth;
  list: { setStreamUp(up: boolean): void };
  typists: Typists;
  snapshotter: Snapshotter;
  readMarker: ReadMarker;
}

/**
 * Someone else wrote in the open chat `sid`, or the server counts something unread in it (its count
 * comes after the message): read, while the person looks at it.
 */
const asksToRead = (event: ServerEvent, sid: string, me: string) =>
  (event.type === 'chatmessage.new' &&
    event.data.conversation_sid === sid &&
    event.data.sender_public_key !== me) ||
  (event.type === 'conversation.updated' && event.data.sid === sid);

/** The update shows chat `sid`, which the rows did not hold `before`: the person was added to it. */
const addedTo = (event: ServerEvent, sid: string, before: ChatState) =>
  event.type === 'conversation.updated' &&
  event.data.sid === sid &&
  !findRow(before.conversations, sid);

/** The store no longer holds the server's view (as `stream` says, if it does); `refetch` takes a new snapshot. */
function markStale(
  { health, snapshotter }: StreamParts,
  stream?: StreamStatus,
  refetch = false,
): void {
  health.update(stream ? { stream, fresh: false } : { fresh: false });
  if (refetch) snapshotter.request(true);
}

/** What an event changes: who is typing, the store, and then what the open chat needs. */
function handleEvent(parts: StreamParts, event: ServerEvent): void {
  const { me, store, typists, snapshotter, readMarker } = parts;
  // `ready` gave the stream its position and heartbeat; the snapshot follows the connection itself.
  if (event.type === 'ready') return;
  if (event.type === 'resync') return markStale(parts, undefined, true);
  // Ephemeral: who is typing is not the store's, and never part of a snapshot.
  if (event.type === 'conversation.typing')
    return event.data.key === me ? undefined : typists.heard(event.data.sid, event.data.key);
  if (event.type === 'chatmessage.new')
    typists.wrote(event.data.conversation_sid, event.data.sender_public_key);
  snapshotter.observe(event);
  const before = store.state();
  store.apply(event);
  const open = store.state().open;
  if (!open) return;
  if (asksToRead(event, open.sid, me)) readMarker.soon();
  // The open chat just became visible to us (added to it): its history was not on the stream.
  if (addedTo(event, open.sid, before)) snapshotter.request(false);
}

/** What the session does with each item of the stream: a status moves the health, an event the store. */
export function makeItemHandler(parts: StreamParts): (item: StreamItem) => void {
  const { signal, subscription, health, typists, list } = parts;
  // Whether the next connection resumes from a position (replay) or starts afresh; whether one is up.
  let resuming = false;
  let up = false;
  function onStatus(stream: StreamStatus): void {
    const wasUp = up;
    up = stream.state === 'connected';
    list.setStreamUp(up);
    // Typing heard on a stream that dropped may have stopped meanwhile, unheard.
    if (!up) typists.clear();
    if (stream.state === 'connected') {
      // A connection that did not resume from a position (the first, or any from a server without
      // ids) carries only what happens from now on: what happened before it, the snapshot must bring,
      // and one asked for before the stream was up (the one at mount) may have been taken too early.
      if (!wasUp && (!resuming || !health.facts.fresh)) return markStale(parts, stream, true);
    } else {
      // The next connection resumes from a position (replay) or starts afresh (poll, or no position yet):
      // without replay to bring it up to date, the store is stale until the next snapshot.
      resuming = subscription.lastEventId !== undefined;
      if (!resuming) return markStale(parts, stream);
    }
    health.update({ stream });
  }
  return (item) => {
    // Disposed while the stream loop held a batch: the rest of it is for nobody.
    if (signal.aborted) return;
    if (item.kind === 'event') return handleEvent(parts, item.event);
    onStatus(item.status);
  };
}
