import type {
  Contact,
  FullChatMessage as ChatMessage,
  FullConversation as Conversation,
  ListPosition,
  Receipt,
} from '../../src/protocol/index.ts';
import { ActivityOrder } from './activity.ts';

/** A conversation as stored; the per-caller fields of `Conversation` are derived from it. */
export interface ConversationRecord {
  sid: string;
  name: string;
  participant_keys: string[];
  /** unix s */
  created_at: number;
  /** seq of the last `conversation.updated` for it */
  seq: number;
}

/** A reader's position in one conversation: messages up to `upto` are read; `seq` is the read event. */
export interface ReadMark {
  upto: number;
  seq: number;
}

/** A reader's read receipt, told to the participants; `seq` is the `conversation.seen` event. */
export interface ReceiptMark {
  receipt: Receipt;
  seq: number;
}

export const DEFAULT_CONTACTS: readonly Contact[] = [
  { public_key: 'alice', name: 'Alice' },
  { public_key: 'bob', name: 'Bob' },
  { public_key: 'carol', name: 'Carol' },
  { public_key: 'dave', name: 'Dave' },
];

/** One context's data: a separate world. Plain data, no I/O, no seq allocation. */
export class World {
  readonly contacts = new Map<string, Contact>(DEFAULT_CONTACTS.map((c) => [c.public_key, c]));
  private readonly conversations = new Map<string, ConversationRecord>();
  private readonly messages = new Map<string, ChatMessage[]>();
  private readonly byNonce = new Map<string, ChatMessage>();
  /** Every message by its sid. */
  private readonly bySid = new Map<string, ChatMessage>();
  /** Per conversation and sender, the seqs of what they sent, ascending: unread counts in O(log n). */
  private readonly sentBy = new Map<string, Map<string, number[]>>();
  /** The same for deleted messages, which count as unread for nobody. */
  private readonly deleted = new Map<string, number[]>();
  private readonly deletedBy = new Map<string, Map<string, number[]>>();
  private readonly reads = new Map<string, Map<string, ReadMark>>();
  private readonly receipts = new Map<string, Map<string, ReceiptMark>>();
  /** Every conversation in list order. */
  private readonly activity = new ActivityOrder();

  isKnown(key: string): boolean {
    return this.contacts.has(key);
  }

  conversation(sid: string): ConversationRecord | undefined {
    return this.conversations.get(sid);
  }

  putConversation(record: ConversationRecord): void {
    this.conversations.set(record.sid, record);
    if (!this.messages.has(record.sid)) this.messages.set(record.sid, []);
    this.activity.set(record.sid, this.viewTime(record));
  }

  addMessage(message: ChatMessage): void {
    const list = this.messages.get(message.conversation_sid);
    if (!list)
      throw new Error(
        `message ${message.sid} for unknown conversation ${message.conversation_sid}`,
      );
    list.push(message);
    this.activity.set(message.conversation_sid, message.created_at * 1000);
    seqsOf(this.sentBy, message).push(message.seq);
    this.index(message);
  }

  /** Replaces a stored message with its edited or deleted self (same sid, same seq). */
  updateMessage(message: ChatMessage): void {
    const list = this.messages.get(message.conversation_sid) ?? [];
    const at = firstAbove(list, message.seq - 1, (m) => m.seq);
    const previous = list[at];
    if (previous?.sid !== message.sid) throw new Error(`update of unknown message ${message.sid}`);
    list[at] = message;
    this.index(message);
    if (message.deleted) {
      insertSorted(listOf(this.deleted, message.conversation_sid), message.seq);
      insertSorted(seqsOf(this.deletedBy, message), message.seq);
    }
  }

  private index(message: ChatMessage): void {
    this.bySid.set(message.sid, message);
    if (message.nonce)
      this.byNonce.set(
        nonceKey(message.conversation_sid, message.sender_public_key, message.nonce),
        message,
      );
  }

  /** Message `messageSid` of conversation `sid`. */
  message(sid: string, messageSid: string): ChatMessage | undefined {
    const message = this.bySid.get(messageSid);
    return message?.conversation_sid === sid ? message : undefined;
  }

  /** Whether `message` counts in `key`'s unread count: someone else's, not deleted, after `key`'s read mark. */
  isUnreadFor(message: ChatMessage, key: string): boolean {
    const upto = this.reads.get(message.conversation_sid)?.get(key)?.upto ?? 0;
    return message.sender_public_key !== key && !message.deleted && message.seq > upto;
  }

  findByNonce(sid: string, sender: string, nonce: string): ChatMessage | undefined {
    return this.byNonce.get(nonceKey(sid, sender, nonce));
  }

  setRead(sid: string, key: string, mark: ReadMark): void {
    let marks = this.reads.get(sid);
    if (!marks) this.reads.set(sid, (marks = new Map()));
    marks.set(key, mark);
  }

  setReceipt(sid: string, mark: ReceiptMark): void {
    let marks = this.receipts.get(sid);
    if (!marks) this.receipts.set(sid, (marks = new Map()));
    marks.set(mark.receipt.reader_key, mark);
  }

  receiptOf(sid: string, key: string): ReceiptMark | undefined {
    return this.receipts.get(sid)?.get(key);
  }

  lastMessage(sid: string): ChatMessage | undefined {
    const list = this.messages.get(sid);
    return list?.[list.length - 1];
  }

  /** The newest `limit` messages whose seq is below `beforeSeq`, ascending. */
  listMessages(sid: string, beforeSeq: number | undefined, limit: number): ChatMessage[] {
    const list = this.messages.get(sid) ?? [];
    const end =
      beforeSeq === undefined ? list.length : firstAbove(list, beforeSeq - 1, (m) => m.seq);
    return list.slice(Math.max(0, end - limit), end);
  }

  /** Messages of `sid` after `key`'s read mark, less its own. */
  unreadOf(sid: string, key: string): number {
    return this.othersAfter(sid, key, this.reads.get(sid)?.get(key)?.upto ?? 0);
  }

  /** Messages of `sid` whose seq is above `upto`, less those `key` sent and those deleted. */
  othersAfter(sid: string, key: string, upto: number): number {
    const list = this.messages.get(sid) ?? [];
    const all = list.length - firstAbove(list, upto, (m) => m.seq);
    const own = countAbove(this.sentBy.get(sid)?.get(key), upto);
    const deleted =
      countAbove(this.deleted.get(sid), upto) - countAbove(this.deletedBy.get(sid)?.get(key), upto);
    return all - own - deleted;
  }

  /** The conversation as `key` sees it now. */
  viewOf(record: ConversationRecord, key: string): Conversation {
    const last = this.lastMessage(record.sid);
    const mark = this.reads.get(record.sid)?.get(key);
    const unread = this.unreadOf(record.sid, key);
    // Receipts of current participants only, in the order of `participant_keys`: one who left is not
    // among those who saw.
    const read_by: Receipt[] = [];
    let receiptSeq = 0;
    const receipts = this.receipts.get(record.sid);
    for (const reader of receipts ? record.participant_keys : []) {
      const receipt = receipts!.get(reader);
      if (!receipt) continue;
      read_by.push(receipt.receipt);
      receiptSeq = Math.max(receiptSeq, receipt.seq);
    }
    return {
      sid: record.sid,
      name: record.name,
      participant_keys: [...record.participant_keys],
      last_message: last?.content ?? '',
      last_message_time: this.viewTime(record),
      unread_count: unread,
      created_at: record.created_at,
      seq: Math.max(record.seq, last?.seq ?? 0, mark?.seq ?? 0, receiptSeq),
      read_by,
    };
  }

  /** A conversation's `last_message_time`: its last message's time, or when it was created. */
  private viewTime(record: ConversationRecord): number {
    return (this.lastMessage(record.sid)?.created_at ?? record.created_at) * 1000;
  }

  /**
   * Conversations `key` takes part in, in list order (newest activity first, then the greater sid):
   * the first `limit` (all when absent) after the position `before` (from the top when absent).
   */
  conversationsOf(
    key: string,
    page: { limit?: number; before?: ListPosition } = {},
  ): Conversation[] {
    const views: Conversation[] = [];
    const limit = page.limit ?? Infinity;
    for (const sid of this.activity.after(page.before)) {
      if (views.length >= limit) break;
      const record = this.conversations.get(sid)!;
      if (record.participant_keys.includes(key)) views.push(this.viewOf(record, key));
    }
    return views;
  }
}

function nonceKey(sid: string, sender: string, nonce: string): string {
  return `${sid}\u0000${sender}\u0000${nonce}`;
}

/** The ascending seqs `message`'s sender has in its conversation, in `bySender`; made on first use. */
function seqsOf(bySender: Map<string, Map<string, number[]>>, message: ChatMessage): number[] {
  let senders = bySender.get(message.conversation_sid);
  if (!senders) bySender.set(message.conversation_sid, (senders = new Map()));
  return listOf(senders, message.sender_public_key);
}

function listOf(lists: Map<string, number[]>, key: string): number[] {
  let list = lists.get(key);
  if (!list) lists.set(key, (list = []));
  return list;
}

/** How many of the ascending `seqs` are above `seq`. */
function countAbove(seqs: readonly number[] | undefined, seq: number): number {
  return seqs ? seqs.length - firstAbove(seqs, seq, (s) => s) : 0;
}

/** Puts `seq` in its place in the ascending `seqs` (deletions come in any order). */
function insertSorted(seqs: number[], seq: number): void {
  seqs.splice(
    firstAbove(seqs, seq, (s) => s),
    0,
    seq,
  );
}

/** The index of the first item whose seq is above `seq`, in a list ascending by seq. */
function firstAbove<T>(list: readonly T[], seq: number, seqOf: (item: T) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (seqOf(list[mid]!) <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
