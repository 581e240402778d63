import { randomUUID } from 'node:crypto';
import {
  RPC_PARAMS,
  RpcError,
  describeIssues,
  isRpcMethod,
  LIMITS,
  v,
  type FullChatMessage as ChatMessage,
  type FullConversation as Conversation,
  type RpcMethod,
  type RpcParams,
} from '../../src/protocol/index.ts';
import { EventLog } from './event-log.ts';
import { JournalError, type Journal, type JournalRecord } from './journal.ts';
import { World, type ConversationRecord } from './world.ts';

/** A direct message: two people, no name. It keeps both for good. */
function isDirect(conversation: { name: string; participant_keys: readonly string[] }): boolean {
  return conversation.name === '' && conversation.participant_keys.length === 2;
}

/** What every context without a write yet reads as; never written to. */
const EMPTY_WORLD = new World();

/** A person's typing in one conversation is relayed at most this often (the island says it every 3 s). */
export const TYPING_GAP_MS = 1000;

/** Default byte bound of the replay log. */
export const DEFAULT_LOG_BYTES = 64 * 1024 * 1024;

const CONTEXT_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export interface ServiceOptions {
  /** Events kept for replay. */
  logSize: number;
  /** Bytes kept for replay. Default 64 MiB. */
  logBytes?: number;
  journal?: Journal;
  /** unix ms */
  now?: () => number;
}

/**
 * The communication domain over separate per-context worlds: every accepted change is journaled,
 * applied, then published on the one event log.
 */
export class CommunicationService {
  readonly log: EventLog;
  private readonly worlds = new Map<string, World>();
  private readonly journal?: Journal;
  private readonly now: () => number;
  /** When each (context, conversation, person) was last relayed as typing, unix ms. */
  private readonly typed = new Map<string, number>();

  constructor(options: ServiceOptions, history: readonly JournalRecord[] = []) {
    let maxSeq = 0;
    for (const record of history) maxSeq = Math.max(maxSeq, this.apply(record));
    this.log = new EventLog(maxSeq, {
      capacity: options.logSize,
      maxBytes: options.logBytes ?? DEFAULT_LOG_BYTES,
    });
    this.journal = options.journal;
    this.now = options.now ?? Date.now;
  }

  hasContext(context: string): boolean {
    return this.worlds.has(context);
  }

  /** Contexts held: seeded, restored from the journal, or written to since start. */
  get contextCount(): number {
    return this.worlds.size;
  }

  /**
   * The world of `context` to read. A context that nothing was written to yet reads as an empty world
   * with the default contacts, without being created: reads and refusals leave no state behind.
   */
  world(context: string): World {
    return this.worlds.get(context) ?? EMPTY_WORLD;
  }

  /** The world of `context` to change, created on its first write. */
  private worldToWrite(context: string): World {
    let world = this.worlds.get(context);
    if (!world) this.worlds.set(context, (world = new World()));
    return world;
  }

  /** Whether `key` may act in `context`. Fail closed: unknown contexts names and keys are refused. */
  authenticate(context: string | undefined, key: string | undefined): string | undefined {
    if (!context) return 'missing X-Hero-Context';
    if (!CONTEXT_NAME.test(context)) return 'invalid X-Hero-Context';
    if (!key) return 'missing X-Public-Key';
    if (!this.world(context).isKnown(key)) return 'unknown public key';
    return undefined;
  }

  /** Validates params and runs one RPC method for an authenticated caller. */
  call(context: string, caller: string, method: string, params: unknown): unknown {
    if (!isRpcMethod(method)) throw new RpcError('MethodNotFound', `method not found: ${method}`);
    const parsed = v.parse(RPC_PARAMS[method] as v.Schema<unknown>, params ?? {});
    if (!parsed.ok) {
      throw new RpcError('InvalidParams', `invalid params: ${describeIssues(parsed.error)}`);
    }
    const handler = this.handlers[method] as (
      context: string,
      caller: string,
      params: unknown,
    ) => unknown;
    return handler(context, caller, parsed.value);
  }

  private readonly handlers: {
    [M in RpcMethod]: (context: string, caller: string, p: RpcParams<M>) => unknown;
  } = {
    'conversation.list': (context, caller, p) => this.world(context).conversationsOf(caller, p),
    'conversation.get': (context, caller, p) => {
      const world = this.world(context);
      return world.viewOf(this.participantOf(world, p.sid, caller), caller);
    },
    'conversation.set': (context, caller, p) => this.setConversation(context, caller, p),
    'conversation.list_messages': (context, caller, p) => {
      const world = this.world(context);
      this.participantOf(world, p.sid, caller);
      return world.listMessages(p.sid, p.before_seq, p.limit ?? LIMITS.pageDefault);
    },
    'conversation.send_message': (context, caller, p) => this.sendMessage(context, caller, p),
    'conversation.mark_read': (context, caller, p) => this.markRead(context, caller, p),
    'conversation.edit_message': (context, caller, p) => this.editMessage(context, caller, p),
    'conversation.delete_message': (context, caller, p) => this.deleteMessage(context, caller, p),
    'conversation.typing': (context, caller, p) => this.typing(context, caller, p.sid),
    'contact.list': (context) => [...this.world(context).contacts.values()],
  };

  sendMessage(
    context: string,
    caller: string,
    p: { sid: string; content: string; nonce: string },
  ): ChatMessage {
    const world = this.world(context);
    const record = this.participantOf(world, p.sid, caller);
    const existing = world.findByNonce(p.sid, caller, p.nonce);
    if (existing) return existing;
    const message: ChatMessage = {
      sid: `msg_${randomUUID()}`,
      conversation_sid: p.sid,
      sender_public_key: caller,
      content: p.content,
      created_at: Math.floor(this.now() / 1000),
      nonce: p.nonce,
      seq: this.log.nextSeq(),
    };
    const updated: ConversationRecord = { ...record, seq: this.log.nextSeq() };
    this.commit([
      { t: 'message', ctx: context, message },
      { t: 'conversation', ctx: context, conversation: updated },
    ]);
    this.log.publish(context, 'chatmessage.new', message.seq, record.participant_keys, message);
    this.publishUpdated(context, updated, record.participant_keys);
    return message;
  }

  /**
   * Its sender edits a message, within `LIMITS.editWindowS` of sending it. The same content again
   * answers the message as it is.
   */
  private editMessage(
    context: string,
    caller: string,
    p: { sid: string; message_sid: string; content: string },
  ): ChatMessage {
    const { record, message } = this.ownMessage(context, caller, p, 'edit');
    if (message.deleted) throw new RpcError('NotAllowed', 'a deleted message cannot be edited');
    if (message.content === p.content) return message;
    if (this.now() > (message.created_at + LIMITS.editWindowS) * 1000) {
      throw new RpcError(
        'NotAllowed',
        `a message can be edited for ${LIMITS.editWindowS / 60} minutes after it was sent`,
      );
    }
    const updated_seq = this.log.nextSeq();
    return this.changeMessage(context, record, {
      ...message,
      content: p.content,
      edited_at: Math.floor(this.now() / 1000),
      updated_seq,
    });
  }

  /**
   * Its sender deletes a message for everyone, at any time: a tombstone keeps its place. Deleting it
   * again answers the tombstone.
   */
  private deleteMessage(
    context: string,
    caller: string,
    p: { sid: string; message_sid: string },
  ): ChatMessage {
    const { record, message } = this.ownMessage(context, caller, p, 'delete');
    if (message.deleted) return message;
    const { edited_at: _, ...kept } = message;
    return this.changeMessage(context, record, {
      ...kept,
      content: '',
      deleted: true,
      updated_seq: this.log.nextSeq(),
    });
  }

  private ownMessage(
    context: string,
    caller: string,
    p: { sid: string; message_sid: string },
    verb: 'edit' | 'delete',
  ) {
    const world = this.world(context);
    const record = this.participantOf(world, p.sid, caller);
    const message = world.message(p.sid, p.message_sid);
    if (!message) throw new RpcError('NotFound', 'message not found');
    if (message.sender_public_key !== caller)
      throw new RpcError('NotAllowed', `only its sender can ${verb} a message`);
    return { record, message };
  }

  /**
   * Stores an edited or deleted message and tells the participants: `chatmessage.updated`, then
   * `conversation.updated` when the preview or someone's unread count changed with it.
   */
  private changeMessage(
    context: string,
    record: ConversationRecord,
    message: ChatMessage & { updated_seq: number },
  ): ChatMessage {
    const world = this.world(context);
    const previous = world.message(record.sid, message.sid)!;
    const preview = world.lastMessage(record.sid)?.sid === message.sid;
    const unread =
      message.deleted === true &&
      record.participant_keys.some((key) => world.isUnreadFor(previous, key));
    const updated: ConversationRecord | undefined =
      preview || unread ? { ...record, seq: this.log.nextSeq() } : undefined;
    this.commit([
      { t: 'update', ctx: context, message },
      ...(updated ? [{ t: 'conversation' as const, ctx: context, conversation: updated }] : []),
    ]);
    this.log.publish(
      context,
      'chatmessage.updated',
      message.updated_seq,
      record.participant_keys,
      message,
    );
    if (updated) this.publishUpdated(context, updated, record.participant_keys);
    return message;
  }

  /**
   * Relays `conversation.typing` to the other participants' live streams: ephemeral, neither journaled
   * nor replayed, at most once per `TYPING_GAP_MS` for one person in one conversation.
   */
  private typing(context: string, caller: string, sid: string): null {
    const record = this.participantOf(this.world(context), sid, caller);
    const key = `${context}\u0000${sid}\u0000${caller}`;
    const now = this.now();
    const last = this.typed.get(key);
    if (last !== undefined && now - last < TYPING_GAP_MS) return null;
    this.typed.set(key, now);
    const others = record.participant_keys.filter((k) => k !== caller);
    this.log.relay(context, 'conversation.typing', others, { sid, key: caller });
    return null;
  }

  private setConversation(
    context: string,
    caller: string,
    p: { sid?: string; name?: string; participant_keys: string[] },
  ): Conversation {
    const world = this.world(context);
    const keys = [...new Set(p.participant_keys)];
    const unknown = keys.find((key) => !world.isKnown(key));
    if (unknown !== undefined) {
      throw new RpcError(
        'InvalidParams',
        `invalid params: participant_keys: unknown contact ${unknown}`,
      );
    }
    if (!keys.includes(caller)) {
      throw new RpcError(
        'InvalidParams',
        'invalid params: participant_keys: must include the caller',
      );
    }
    if (keys.length < 2) {
      throw new RpcError(
        'InvalidParams',
        'invalid params: participant_keys: at least 2 participants',
      );
    }
    const previous = p.sid === undefined ? undefined : this.participantOf(world, p.sid, caller);
    const name = p.name ?? previous?.name ?? '';
    if (previous && isDirect(previous)) {
      // A DM stays between its two people: adding someone starts a new group instead.
      if (keys.length !== 2 || !keys.every((key) => previous.participant_keys.includes(key))) {
        throw new RpcError(
          'InvalidParams',
          'invalid params: participant_keys: a direct message keeps its members',
        );
      }
      if (name !== '')
        throw new RpcError('InvalidParams', 'invalid params: name: a direct message has no name');
    } else if (previous && isDirect({ name, participant_keys: keys })) {
      throw new RpcError(
        'InvalidParams',
        'invalid params: participant_keys: a group keeps a name or at least 3 members',
      );
    }
    const record: ConversationRecord = {
      sid: previous?.sid ?? `conv_${randomUUID()}`,
      name,
      participant_keys: keys,
      created_at: previous?.created_at ?? Math.floor(this.now() / 1000),
      seq: this.log.nextSeq(),
    };
    this.commit([{ t: 'conversation', ctx: context, conversation: record }]);
    this.publishUpdated(context, record, [
      ...new Set([...(previous?.participant_keys ?? []), ...keys]),
    ]);
    return this.world(context).viewOf(record, caller);
  }

  /**
   * Clears the caller's unread count (`conversation.read` to the caller's own streams), and, unless
   * `receipt` is false, moves its read receipt to the latest message (`conversation.seen` to every
   * participant). The receipt moves only past messages of others: reading what one wrote oneself
   * tells nobody anything.
   */
  private markRead(
    context: string,
    caller: string,
    p: { sid: string; receipt?: boolean },
  ): Conversation {
    const { sid } = p;
    const world = this.world(context);
    const record = this.participantOf(world, sid, caller);
    const last = world.lastMessage(sid);
    const records: JournalRecord[] = [];
    if (world.unreadOf(sid, caller) > 0) {
      records.push({
        t: 'read',
        ctx: context,
        sid,
        key: caller,
        mark: { upto: last?.seq ?? 0, seq: this.log.nextSeq() },
      });
    }
    const seenUpTo = world.receiptOf(sid, caller)?.receipt.message_seq ?? 0;
    if (p.receipt !== false && last && world.othersAfter(sid, caller, seenUpTo) > 0) {
      const receipt = {
        reader_key: caller,
        message_sid: last.sid,
        message_seq: last.seq,
        read_at: Math.floor(this.now() / 1000),
      };
      records.push({ t: 'receipt', ctx: context, sid, mark: { receipt, seq: this.log.nextSeq() } });
    }
    if (records.length === 0) return world.viewOf(record, caller);
    this.commit(records);
    for (const change of records) {
      if (change.t === 'read') {
        this.log.publish(context, 'conversation.read', change.mark.seq, [caller], {
          sid,
          reader_key: caller,
          seq: change.mark.seq,
        });
      } else if (change.t === 'receipt') {
        const { receipt, seq } = change.mark;
        this.log.publish(context, 'conversation.seen', seq, record.participant_keys, {
          sid,
          receipt,
          seq,
        });
      }
    }
    return world.viewOf(record, caller);
  }

  private publishUpdated(
    context: string,
    record: ConversationRecord,
    audience: readonly string[],
  ): void {
    const world = this.world(context);
    // Each receiver's view as of this event, so a later replay cannot count a message twice. The views
    // differ only in unread_count (the record's seq is the newest, so it is every view's seq).
    const { unread_count: _, ...shared } = world.viewOf(record, audience[0]!);
    const unread = new Map(audience.map((key) => [key, world.unreadOf(record.sid, key)]));
    this.log.publishPerReceiver(
      context,
      'conversation.updated',
      record.seq,
      shared,
      'unread_count',
      unread,
    );
  }

  private participantOf(world: World, sid: string, caller: string): ConversationRecord {
    const record = world.conversation(sid);
    if (!record) throw new RpcError('NotFound', 'conversation not found');
    if (!record.participant_keys.includes(caller)) {
      throw new RpcError('NotParticipant', 'not a participant of this conversation');
    }
    return record;
  }

  /**
   * Durable first, then applied: a change the journal refused is not visible, and its caller gets an
   * error rather than an acknowledgement. (The seqs it took are skipped: seq only has to increase.)
   */
  private commit(records: readonly JournalRecord[]): void {
    try {
      this.journal?.append(records);
    } catch (error) {
      if (error instanceof JournalError)
        throw new RpcError('InternalError', `not stored: ${error.message}`);
      throw error;
    }
    for (const record of records) this.apply(record);
  }

  /**
   * Adds history that nobody watches yet (seeding): journaled and applied, not published. A journal
   * that refuses it throws its `JournalError`, and nothing of it is applied.
   */
  importHistory(records: readonly JournalRecord[]): void {
    this.journal?.append(records);
    for (const record of records) this.apply(record);
  }

  /** Applies one journal record to its world; returns the highest seq it carries. */
  private apply(record: JournalRecord): number {
    const world = this.worldToWrite(record.ctx);
    switch (record.t) {
      case 'conversation':
        world.putConversation(record.conversation);
        return record.conversation.seq;
      case 'message':
        world.addMessage(record.message);
        return record.message.seq;
      case 'update':
        world.updateMessage(record.message);
        return record.message.updated_seq ?? record.message.seq;
      case 'read':
        world.setRead(record.sid, record.key, record.mark);
        return record.mark.seq;
      case 'receipt':
        world.setReceipt(record.sid, record.mark);
        return record.mark.seq;
    }
  }
}
