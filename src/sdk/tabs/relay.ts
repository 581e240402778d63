import { parseCursor, ServerEventSchema, v, type Schema } from '../../protocol/index.ts';
import type { StreamItem, StreamStatus } from '../subscription.ts';

/**
 * Version of the relay messages below. It is also part of the lock and channel name, so tabs running
 * two versions of the island never share a stream (each version elects its own leader); the `v` field
 * guards against anything else posting on the channel.
 */
export const RELAY_VERSION = 4;

/** Every message on the channel (see the contract, src/protocol/README.md). `from` is the sending tab's random id. */
export type RelayMessage =
  /**
   * Leader → all: items of the real subscription in order (events with their cursor `id`, statuses),
   * as many as arrived in one task: one message per task, not per event, so a burst costs the leader
   * a few posts, not thousands.
   */
  | { v: Version; type: 'items'; from: string; items: StreamItem[] }
  /** A tab that has just joined → leader: "what is the status?", and the chat it shows (as in `showing`). */
  | { v: Version; type: 'hello'; from: string; showing?: string }
  /**
   * Leader → the tab `to`: its status, then the `ready` of its live connection with its position as
   * `id`; `withheld`, the position of the last event it posted to nobody (it knew no follower yet).
   */
  | { v: Version; type: 'state'; from: string; to: string; items: StreamItem[]; withheld?: string }
  /** Any tab → leader: skip the reconnect wait ("Retry now"). */
  | { v: Version; type: 'retry'; from: string }
  /** A new leader → all: "who follows?"; each follower answers `hello`. */
  | { v: Version; type: 'call'; from: string }
  /** A tab that leaves (pagehide, unmount) → all: stop relaying for me. */
  | { v: Version; type: 'bye'; from: string }
  /** A follower that has not heard the leader for a while → leader: "are you there?" (see `makeLeaderWatch`). */
  | { v: Version; type: 'ping'; from: string }
  /** Leader → all: the answer to `ping`. */
  | { v: Version; type: 'beat'; from: string }
  /** Any tab → all: the chat it shows the person now (open, and the page visible), or none (no `sid`). */
  | { v: Version; type: 'showing'; from: string; sid?: string };

type Version = typeof RELAY_VERSION;

/** A message as a tab hands it to be posted: the version and the sender are added on the way out. */
export type Outgoing = RelayMessage extends infer M
  ? M extends RelayMessage
    ? Omit<M, 'v' | 'from'>
    : never
  : never;

/** Where a tab posts to the others. */
export type Post = (message: Outgoing) => void;

/** Items in one `items` message at most; the leader posts more in several. */
export const MAX_RELAYED = 2000;

// The variant's tag is checked before its fields, so in the fields it only needs to be a string.
const Tag = v.string();
const VersionSchema = v.literal(RELAY_VERSION);
const TabId = v.sized(v.string(), 1, 64);
const Count = v.integer();
const CursorSchema: Schema<string> = v.check(
  v.string(),
  (text) => parseCursor(text).ok,
  'expected a cursor <epoch>:<seq>',
);
const Waiting = v.object({
  state: Tag,
  at: v.number(),
  attempt: Count,
  reason: v.sized(v.string(), 0, 1000),
});

const StatusSchema = v.variant<StreamStatus>('state', {
  connecting: v.object({ state: Tag, attempt: Count }),
  connected: v.object({
    state: Tag,
    heartbeatMs: v.integer(1),
    resumable: v.optional(v.boolean()),
  }),
  reconnecting: Waiting,
  offline: Waiting,
  unauthorized: v.object({
    state: Tag,
    httpStatus: Count,
    rpcCode: v.optional(v.integer(-(2 ** 31), 0)),
  }),
});

const ItemSchema = v.variant<StreamItem>('kind', {
  event: v.object({ kind: Tag, event: ServerEventSchema, id: v.optional(CursorSchema) }),
  status: v.object({ kind: Tag, status: StatusSchema }),
});

// Items are checked one by one (`parseRelayMessage`): one this tab cannot read costs that item only.
const Items = (max: number) => v.sized(v.array(v.unknown()) as Schema<StreamItem[]>, 1, max);
const Ask = v.object({ v: VersionSchema, type: Tag, from: TabId });
const Sid = v.optional(v.sized(v.string(), 1, 128));
const MessageSchema = v.variant<RelayMessage>('type', {
  items: v.object({ v: VersionSchema, type: Tag, from: TabId, items: Items(MAX_RELAYED) }),
  hello: v.object({ v: VersionSchema, type: Tag, from: TabId, showing: Sid }),
  state: v.object({
    v: VersionSchema,
    type: Tag,
    from: TabId,
    to: TabId,
    items: Items(2),
    withheld: v.optional(CursorSchema),
  }),
  retry: Ask,
  call: Ask,
  bye: Ask,
  ping: Ask,
  beat: Ask,
  showing: v.object({ v: VersionSchema, type: Tag, from: TabId, sid: Sid }),
});

/**
 * Checks what arrived on the channel: another tab may run another build, or something else may post
 * there. Never throws; the error says what is wrong in one line. An item that fails (an event of a
 * type this build does not know, say) is left out of the message, and `skipped` says why, one line
 * per item; the others are kept.
 */
export function parseRelayMessage(
  data: unknown,
): { ok: true; value: RelayMessage; skipped: string[] } | { ok: false; error: string } {
  const version = (data as { v?: unknown } | null)?.v;
  if (version !== RELAY_VERSION) {
    return {
      ok: false,
      error: `relay message of version ${JSON.stringify(version) ?? 'undefined'} (this tab speaks ${RELAY_VERSION})`,
    };
  }
  const parsed = v.parse(MessageSchema, data);
  if (!parsed.ok)
    return { ok: false, error: `invalid relay message: ${v.describeIssues(parsed.error)}` };
  const message = parsed.value;
  const skipped: string[] = [];
  if ('items' in message) {
    message.items = message.items.flatMap((raw, i) => {
      const item = v.parse(ItemSchema, raw);
      if (item.ok) return [item.value];
      skipped.push(`relayed item ${i}: ${v.describeIssues(item.error)}`);
      return [];
    });
  }
  return { ok: true, value: message, skipped };
}
