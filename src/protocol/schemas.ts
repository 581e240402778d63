import * as v from './validate.ts';

/** Limits of the contract (README.md). The server enforces them and the UI prevents them. */
export const LIMITS = {
  /** Message content, in characters after trimming. */
  contentMin: 1,
  contentMax: 4000,
  /** Conversation name, in characters. */
  nameMax: 200,
  participantsMin: 2,
  participantsMax: 100,
  /** Client-generated message id. */
  nonceMax: 64,
  /** Request body, in bytes; larger answers HTTP 413. */
  bodyMax: 64 * 1024,
  pageDefault: 50,
  pageMax: 200,
  /** Conversations in one page of `conversation.list` (`limit`); without a limit, the whole list. */
  listPageMax: 1000,
  /** How long after sending its sender may edit a message, in seconds. */
  editWindowS: 15 * 60,
} as const;

const text = (max: number) => v.sized(v.string(), 1, max);

export const SidSchema = text(128);
export const PublicKeySchema = text(256);
/** A server event sequence number (see README.md). */
export const SeqSchema = v.integer();
const TimeSchema = v.check(v.number(), (t) => t >= 0, 'must not be negative');

/** How far one participant has read a conversation: up to `message_sid` (of `message_seq`), at `read_at` (unix s). */
export const ReceiptSchema = v.object({
  reader_key: PublicKeySchema,
  message_sid: SidSchema,
  message_seq: SeqSchema,
  read_at: TimeSchema,
});
export type Receipt = v.Output<typeof ReceiptSchema>;

/**
 * A conversation as the caller sees it. A server that speaks only the least of the contract (see
 * README.md, "What a server must speak") leaves out `seq`, `unread_count`, and the preview of a
 * conversation without messages; the island then works from what it has seen itself.
 */
export const ConversationSchema = v.object({
  sid: SidSchema,
  name: v.sized(v.string(), 0, LIMITS.nameMax),
  participant_keys: v.array(PublicKeySchema),
  last_message: v.nullish(v.string()),
  /** unix ms */
  last_message_time: v.nullish(TimeSchema),
  /** for the caller */
  unread_count: v.nullish(v.integer()),
  /** unix s */
  created_at: TimeSchema,
  seq: v.nullish(SeqSchema),
  /**
   * How far each participant who sends read receipts has read (one entry per reader, in the order of
   * `participant_keys`), the same for every caller. Absent from a server without receipts; an island
   * that sends none shows none of them.
   */
  read_by: v.nullish(v.array(ReceiptSchema)),
});
export type Conversation = v.Output<typeof ConversationSchema>;
/** A conversation with every field of the whole contract, as the dev backend writes it. */
export type FullConversation = Conversation & {
  last_message: string;
  last_message_time: number;
  unread_count: number;
  seq: number;
};

export const ChatMessageSchema = v.object({
  sid: SidSchema,
  conversation_sid: SidSchema,
  sender_public_key: PublicKeySchema,
  content: v.string(),
  /** unix s */
  created_at: TimeSchema,
  /** Echoed by a server that stores it; absent otherwise. */
  nonce: v.nullish(v.sized(v.string(), 0, LIMITS.nonceMax)),
  /** Absent from a server without sequence numbers: such messages are ordered by `created_at`, then as the server lists them. */
  seq: v.nullish(SeqSchema),
  /** When its sender last edited it (unix s). */
  edited_at: v.nullish(TimeSchema),
  /** Deleted for everyone: a tombstone, its `content` empty. */
  deleted: v.nullish(v.boolean()),
  /** The `seq` of its last edit or deletion; absent while it is as sent. */
  updated_seq: v.nullish(SeqSchema),
});
export type ChatMessage = v.Output<typeof ChatMessageSchema>;
/** A message with its `seq`, as the dev backend writes it. */
export type FullChatMessage = ChatMessage & { seq: number };

export const ContactSchema = v.object({ public_key: PublicKeySchema, name: v.string() });
export type Contact = v.Output<typeof ContactSchema>;

/**
 * Characters that show nothing by themselves: Unicode white space (what `trim` removes), the
 * zero-width and joiner characters (U+200B–U+200F, U+2060–U+206F), soft hyphen, combining grapheme
 * joiner, bidi marks and embeddings, Hangul and halfwidth fillers, the Khmer and Mongolian invisible
 * vowels and selectors, variation selectors, the braille blank U+2800, BOM, invisible musical
 * formatting and tag characters.
 */
const BLANK =
  // eslint-disable-next-line no-misleading-character-class -- a list of code points, each matched alone
  /^[\s\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u2800\u3164\uFE00-\uFE0F\uFEFF\uFFA0\u{1D173}-\u{1D17A}\u{E0000}-\u{E007F}\u{E0100}-\u{E01EF}]*$/u;

/** Whether `text` shows nothing: empty, or only the characters above. Such content counts as empty. */
export function isBlankContent(text: string): boolean {
  return BLANK.test(text);
}

/**
 * Content as the server stores it: trimmed of white space (`String.prototype.trim`), not blank, 1–4,000
 * UTF-16 code units. Invisible characters next to visible ones are kept as they are (they may be
 * part of an emoji).
 */
export const ContentSchema = v.sized(
  v.check(
    v.map(v.string('content must be a string'), (s) => s.trim()),
    (s) => !isBlankContent(s),
    'content is empty',
  ),
  LIMITS.contentMin,
  LIMITS.contentMax,
  'content is empty',
  `content is longer than ${LIMITS.contentMax} characters`,
);

export const NonceSchema = v.sized(
  v.string('nonce must be a string'),
  1,
  LIMITS.nonceMax,
  'nonce is empty',
  `nonce is longer than ${LIMITS.nonceMax} characters`,
);
