import * as v from 'valibot';

/** Limits of DESIGN §3. The server enforces them and the UI prevents them. */
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
} as const;

const text = (max: number) => v.pipe(v.string(), v.minLength(1), v.maxLength(max));

export const SidSchema = text(128);
export const PublicKeySchema = text(256);
/** A server event sequence number (DESIGN §5). */
export const SeqSchema = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const TimeSchema = v.pipe(v.number(), v.minValue(0));

export const ConversationSchema = v.object({
  sid: SidSchema,
  name: v.pipe(v.string(), v.maxLength(LIMITS.nameMax)),
  participant_keys: v.array(PublicKeySchema),
  last_message: v.string(),
  /** unix ms */
  last_message_time: TimeSchema,
  /** for the caller */
  unread_count: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  /** unix s */
  created_at: TimeSchema,
  seq: SeqSchema,
});
export type Conversation = v.InferOutput<typeof ConversationSchema>;

export const ChatMessageSchema = v.object({
  sid: SidSchema,
  conversation_sid: SidSchema,
  sender_public_key: PublicKeySchema,
  content: v.string(),
  /** unix s */
  created_at: TimeSchema,
  nonce: v.optional(v.pipe(v.string(), v.maxLength(LIMITS.nonceMax))),
  seq: SeqSchema,
});
export type ChatMessage = v.InferOutput<typeof ChatMessageSchema>;

export const ContactSchema = v.object({ public_key: PublicKeySchema, name: v.string() });
export type Contact = v.InferOutput<typeof ContactSchema>;

/** Content as the server stores it: trimmed, 1–4,000 characters. */
export const ContentSchema = v.pipe(
  v.string('content must be a string'),
  v.trim(),
  v.minLength(LIMITS.contentMin, 'content is empty'),
  v.maxLength(LIMITS.contentMax, `content is longer than ${LIMITS.contentMax} characters`),
);

export const NonceSchema = v.pipe(
  v.string('nonce must be a string'),
  v.minLength(1, 'nonce is empty'),
  v.maxLength(LIMITS.nonceMax, `nonce is longer than ${LIMITS.nonceMax} characters`),
);
