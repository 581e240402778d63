import type { Result } from './result.ts';
import {
  ChatMessageSchema,
  ConversationSchema,
  PublicKeySchema,
  ReceiptSchema,
  SeqSchema,
  SidSchema,
} from './schemas.ts';
import * as v from './validate.ts';

export const ReadyPayloadSchema = v.object({
  cursor: v.sized(v.string(), 3, 100),
  heartbeat_ms: v.integer(1),
});
export const ConversationReadPayloadSchema = v.object({
  sid: SidSchema,
  reader_key: PublicKeySchema,
  seq: SeqSchema,
});
/** A participant read conversation `sid` up to a message (a read receipt), told to the other participants. */
export const ConversationSeenPayloadSchema = v.object({
  sid: SidSchema,
  receipt: ReceiptSchema,
  seq: SeqSchema,
});
/** A participant is typing in conversation `sid`: ephemeral, neither journaled nor replayed. */
export const TypingPayloadSchema = v.object({ sid: SidSchema, key: PublicKeySchema });
/** A resync's payload: a server may send a reason, or nothing at all. */
export const ResyncPayloadSchema = v.object({ reason: v.optional(v.string()) });

/** The payload of every event type of the contract (README.md). */
const PAYLOADS = {
  ready: ReadyPayloadSchema,
  'chatmessage.new': ChatMessageSchema,
  'chatmessage.updated': ChatMessageSchema,
  'conversation.updated': ConversationSchema,
  'conversation.read': ConversationReadPayloadSchema,
  'conversation.seen': ConversationSeenPayloadSchema,
  'conversation.typing': TypingPayloadSchema,
  resync: ResyncPayloadSchema,
};
type Payloads = typeof PAYLOADS;

/** Every event as a tagged shape `{ type, data }`. */
export type ServerEvent = {
  [T in keyof Payloads]: { type: T; data: v.Output<Payloads[T]> };
}[keyof Payloads];

export type ServerEventType = ServerEvent['type'];
export const SERVER_EVENT_TYPES = Object.keys(PAYLOADS) as readonly ServerEventType[];

export const ServerEventSchema = v.variant<ServerEvent>(
  'type',
  Object.fromEntries(
    Object.entries(PAYLOADS).map(([type, data]) => [type, v.object({ type: v.string(), data })]),
  ),
);

const RESYNC: ServerEvent = { type: 'resync', data: {} };

/** Why a frame was not accepted. `unknown_type` is to be ignored; the others are bad frames. */
export interface FrameError {
  kind: 'invalid_json' | 'invalid_shape' | 'unknown_type' | 'type_mismatch';
  message: string;
}

/**
 * Parses the `data:` of one SSE frame into a typed event. Never throws: arbitrary input yields an
 * error value. `eventName` is the frame's `event:` line, when there was one; it must repeat the type.
 */
export function parseEventData(data: string, eventName?: string): Result<ServerEvent, FrameError> {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    // `event: resync` says all there is to say, whatever its data.
    if (eventName === 'resync') return { ok: true, value: RESYNC };
    return {
      ok: false,
      error: { kind: 'invalid_json', message: `frame data is not JSON: ${preview(data)}` },
    };
  }
  const type = (json as { type?: unknown } | null)?.type;
  // A resync with or without a payload, announced by its `event:` line, its type, or both.
  if (
    (type === 'resync' && (eventName ?? 'resync') === 'resync') ||
    (eventName === 'resync' && type === undefined)
  ) {
    const reason = (json as { data?: { reason?: unknown } } | null)?.data?.reason;
    return {
      ok: true,
      value: typeof reason === 'string' ? { type: 'resync', data: { reason } } : RESYNC,
    };
  }
  if (typeof type !== 'string') {
    return {
      ok: false,
      error: { kind: 'invalid_shape', message: 'frame data has no string "type"' },
    };
  }
  if (!(SERVER_EVENT_TYPES as readonly string[]).includes(type)) {
    return {
      ok: false,
      error: { kind: 'unknown_type', message: `unknown event type ${preview(type)}` },
    };
  }
  if (eventName !== undefined && eventName !== type) {
    return {
      ok: false,
      error: {
        kind: 'type_mismatch',
        message: `event line ${preview(eventName)} does not match data type ${type}`,
      },
    };
  }
  const parsed = v.parse(ServerEventSchema, json);
  if (!parsed.ok) {
    return {
      ok: false,
      error: {
        kind: 'invalid_shape',
        message: `invalid ${type} event: ${v.describeIssues(parsed.error)}`,
      },
    };
  }
  return parsed;
}

function preview(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}
