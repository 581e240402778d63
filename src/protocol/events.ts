import * as v from 'valibot';
import { describeIssues } from './rpc.ts';
import type { Result } from './result.ts';
import { ChatMessageSchema, ConversationSchema, PublicKeySchema, SeqSchema, SidSchema } from './schemas.ts';

export const ReadyPayloadSchema = v.object({
  cursor: v.pipe(v.string(), v.minLength(3), v.maxLength(100)),
  heartbeat_ms: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
});
export const ConversationReadPayloadSchema = v.object({ sid: SidSchema, reader_key: PublicKeySchema, seq: SeqSchema });
export const ResyncPayloadSchema = v.object({ reason: v.string() });

const tagged = <T extends string, S extends v.GenericSchema>(type: T, data: S) =>
  v.object({ type: v.literal(type), data });

/** Every event type of DESIGN §5 as a tagged shape `{ type, data }`. */
export const ServerEventSchema = v.variant('type', [
  tagged('ready', ReadyPayloadSchema),
  tagged('chatmessage.new', ChatMessageSchema),
  tagged('conversation.updated', ConversationSchema),
  tagged('conversation.read', ConversationReadPayloadSchema),
  tagged('resync', ResyncPayloadSchema),
]);
export type ServerEvent = v.InferOutput<typeof ServerEventSchema>;
export type ServerEventType = ServerEvent['type'];
export type EventOf<T extends ServerEventType> = Extract<ServerEvent, { type: T }>;

export const SERVER_EVENT_TYPES: readonly ServerEventType[] = [
  'ready',
  'chatmessage.new',
  'conversation.updated',
  'conversation.read',
  'resync',
];

/** Why a frame was not accepted. `unknown_type` is to be ignored; the others are bad frames. */
export interface FrameError {
  kind: 'invalid_json' | 'invalid_shape' | 'unknown_type' | 'type_mismatch';
  message: string;
}

const TypeTag = v.object({ type: v.string() });

/**
 * Parses the `data:` of one SSE frame into a typed event. Never throws: arbitrary input yields an
 * error value. `eventName` is the frame's `event:` line, when there was one; it must repeat the type.
 */
export function parseEventData(data: string, eventName?: string): Result<ServerEvent, FrameError> {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { ok: false, error: { kind: 'invalid_json', message: `frame data is not JSON: ${preview(data)}` } };
  }
  const tag = v.safeParse(TypeTag, json);
  if (!tag.success) {
    return { ok: false, error: { kind: 'invalid_shape', message: 'frame data has no string "type"' } };
  }
  const type = tag.output.type;
  if (!(SERVER_EVENT_TYPES as readonly string[]).includes(type)) {
    return { ok: false, error: { kind: 'unknown_type', message: `unknown event type ${preview(type)}` } };
  }
  if (eventName !== undefined && eventName !== type) {
    return {
      ok: false,
      error: { kind: 'type_mismatch', message: `event line ${preview(eventName)} does not match data type ${type}` },
    };
  }
  const parsed = v.safeParse(ServerEventSchema, json);
  if (!parsed.success) {
    return { ok: false, error: { kind: 'invalid_shape', message: `invalid ${type} event: ${describeIssues(parsed.issues)}` } };
  }
  return { ok: true, value: parsed.output };
}

function preview(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}
