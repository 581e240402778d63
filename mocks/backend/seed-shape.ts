import { randomUUID } from 'node:crypto';
import { RpcError, type ChatMessage, type Conversation } from '../../src/protocol/index.ts';
import type { OutgoingEvent } from './event-log.ts';
import type { CommunicationService } from './service.ts';
import type { StreamWire } from './shape.ts';

/*
 * The seed shape: the wire of the production server (hero_osis with its first event broadcaster), so
 * the client can be run and tested against what it will really meet. It is a layer over the full
 * backend where the wire is written; the store, the journal, the event log and who receives what are
 * unchanged. What it leaves out:
 *
 * - stream frames are one `data:` line, `{"type": "chatmessage.new" | "conversation.updated", "data"}`:
 *   no `id:` or `event:` line, no `ready`, no `conversation.read`; `Last-Event-ID` is ignored, so every
 *   connection starts live and a client refetches on every reconnect;
 * - the keepalive is a bare `:` comment (axum's default);
 * - a reader that falls behind gets `data: {"type":"resync"}` (no payload) instead of being cut off,
 *   and misses what it did not read;
 * - objects carry no `seq` and no `nonce`; conversations no `unread_count` or `read_by`, and no
 *   `last_message` or `last_message_time` before their first message;
 * - `conversation.mark_read`, `edit_message`, `delete_message` and `typing` do not exist (-32601; a
 *   notification of one is dropped, as any that fails): no `conversation.seen`, `chatmessage.updated`
 *   or `conversation.typing` on the stream, and messages carry no `edited_at`, `deleted` or
 *   `updated_seq` (a tombstone, in data the full shape wrote, is not listed);
 * - `conversation.list` ignores `limit` and `before` (no paging: the whole list, every time);
 *   `conversation.list_messages` ignores `before_seq`; `conversation.send_message` takes `nonce` when
 *   given (and still stores one message per nonce) but never echoes it.
 */

/** A message as the seed shape writes it. */
export type SeedMessage = Omit<
  ChatMessage,
  'seq' | 'nonce' | 'edited_at' | 'deleted' | 'updated_seq'
>;

/** A conversation as the seed shape writes it. */
export type SeedConversation = Omit<
  Conversation,
  'seq' | 'unread_count' | 'read_by' | 'last_message' | 'last_message_time'
> &
  Partial<Pick<Conversation, 'last_message' | 'last_message_time'>>;

export function seedMessage(message: ChatMessage): SeedMessage {
  const {
    seq: _seq,
    nonce: _nonce,
    edited_at: _edited,
    deleted: _deleted,
    updated_seq: _updated,
    ...rest
  } = message;
  return rest;
}

export function seedConversation(conversation: Conversation): SeedConversation {
  const {
    seq: _seq,
    unread_count: _unread,
    read_by: _readBy,
    last_message,
    last_message_time,
    ...rest
  } = conversation;
  // Content is never blank, so an empty preview means the conversation has no message yet.
  return last_message === '' ? rest : { ...rest, last_message, last_message_time };
}

/** Runs one RPC method as the production server answers it. */
export function callSeed(
  service: CommunicationService,
  context: string,
  caller: string,
  method: string,
  params: unknown,
): unknown {
  switch (method) {
    case 'conversation.mark_read':
    case 'conversation.edit_message':
    case 'conversation.delete_message':
    case 'conversation.typing':
      throw new RpcError('MethodNotFound', `method not found: ${method}`);
    case 'conversation.list':
      // No paging: the whole list, whatever is asked.
      params = withoutField(withoutField(params, 'limit'), 'before');
      break;
    case 'conversation.list_messages':
      params = withoutField(params, 'before_seq');
      break;
    case 'conversation.send_message':
      // The service needs a nonce to store one message per retry; a send without one gets its own.
      if (isRecord(params) && params.nonce === undefined)
        params = { ...params, nonce: randomUUID() };
      break;
  }
  const result = service.call(context, caller, method, params);
  switch (method) {
    case 'conversation.list':
      return (result as Conversation[]).map(seedConversation);
    case 'conversation.get':
    case 'conversation.set':
      return seedConversation(result as Conversation);
    case 'conversation.list_messages':
      return (result as ChatMessage[]).filter((message) => !message.deleted).map(seedMessage);
    case 'conversation.send_message':
      return seedMessage(result as ChatMessage);
    default:
      return result;
  }
}

const SEED_KEEPALIVE = ':\n\n';
const SEED_RESYNC = `data: ${JSON.stringify({ type: 'resync' })}\n\n`;

/**
 * The stream of the seed shape. Its frame for an event is the same for every receiver (the only field
 * that differs, `unread_count`, is left out), so it is made once per event, on first use, and kept
 * only as long as the event is (the log's ring bounds it).
 */
export function makeSeedStreamWire(): StreamWire {
  const frames = new WeakMap<OutgoingEvent, Buffer>();
  return {
    hello: () => undefined,
    resumes: false,
    keepalive: SEED_KEEPALIVE,
    resync: () => SEED_RESYNC,
    framePartsFor(event, key) {
      if (event.type !== 'chatmessage.new' && event.type !== 'conversation.updated')
        return undefined;
      const parts = event.framePartsFor(key);
      if (!parts) return undefined;
      let frame = frames.get(event);
      if (!frame) frames.set(event, (frame = seedFrame(parts)));
      return [frame];
    },
    onLag: 'resync',
  };
}

/** The seed frame of a full frame: its `data:` line alone, with the object's missing fields left out. */
function seedFrame(parts: readonly Buffer[]): Buffer {
  const text = Buffer.concat(parts).toString('utf8');
  const start = text.indexOf('\ndata: ') + '\ndata: '.length;
  const event = JSON.parse(text.slice(start, text.indexOf('\n', start))) as {
    type: string;
    data: unknown;
  };
  const data =
    event.type === 'chatmessage.new'
      ? seedMessage(event.data as ChatMessage)
      : seedConversation(event.data as Conversation);
  return Buffer.from(`data: ${JSON.stringify({ type: event.type, data })}\n\n`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function withoutField(params: unknown, field: string): unknown {
  if (!isRecord(params) || !(field in params)) return params;
  const { [field]: _, ...rest } = params;
  return rest;
}
