import * as v from './validate.ts';
import {
  type ChatMessage,
  type Contact,
  type Conversation,
  ChatMessageSchema,
  ContactSchema,
  ContentSchema,
  ConversationSchema,
  LIMITS,
  NonceSchema,
  PublicKeySchema,
  SeqSchema,
  SidSchema,
} from './schemas.ts';

/** JSON-RPC error codes of the contract (README.md). */
export const RpcErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  Unauthenticated: -32001,
  NotParticipant: -32003,
  NotFound: -32004,
  /** The caller may not do this to that object: edit or delete another's message, edit after the window. */
  NotAllowed: -32005,
} as const;
export type RpcErrorCode = (typeof RpcErrorCode)[keyof typeof RpcErrorCode];
/** The name of an error code: `'InvalidParams'` for -32602. */
export type RpcErrorName = keyof typeof RpcErrorCode;

/**
 * A JSON-RPC error as a value: what a server throws inside a method and answers with, named by its
 * code (`new RpcError('NotFound', 'conversation not found')`). `code` is the number on the wire.
 */
export class RpcError extends Error {
  override readonly name = 'RpcError';
  readonly code: RpcErrorCode;
  constructor(
    readonly kind: RpcErrorName,
    message: string,
  ) {
    super(message);
    this.code = RpcErrorCode[kind];
  }

  /** The `error` member of a JSON-RPC response. */
  toObject(): RpcErrorObject {
    return { code: this.code, message: this.message };
  }
}

const Empty = v.object({});
const BySid = v.object({ sid: SidSchema });

/**
 * The RPC methods of the contract (README.md), in two tables with the same keys: what each takes (the server
 * validates it) and what each answers (the SDK validates it). Two tables, so a client bundle carries
 * only the results' schemas: the params' are built in a function without side effects, so a bundle that
 * never checks params drops them whole.
 */
/* @__NO_SIDE_EFFECTS__ */
function paramSchemas() {
  return {
    /** A page: the first `limit` conversations after the position `before` (a row's), in list order (`list.ts`). */
    'conversation.list': v.object({
      limit: v.optional(v.integer(1, LIMITS.listPageMax)),
      before: v.optional(v.object({ last_message_time: v.integer(), sid: SidSchema })),
    }),
    'conversation.get': BySid,
    'conversation.set': v.object({
      sid: v.optional(SidSchema),
      name: v.optional(
        v.sized(
          v.map(v.string(), (s) => s.trim()),
          0,
          LIMITS.nameMax,
          '',
          `name is longer than ${LIMITS.nameMax} characters`,
        ),
      ),
      participant_keys: v.sized(
        v.array(PublicKeySchema),
        LIMITS.participantsMin,
        LIMITS.participantsMax,
        `at least ${LIMITS.participantsMin} participants`,
        `at most ${LIMITS.participantsMax} participants`,
      ),
    }),
    'conversation.list_messages': v.object({
      sid: SidSchema,
      before_seq: v.optional(SeqSchema),
      limit: v.optional(v.integer(1, LIMITS.pageMax)),
    }),
    'conversation.send_message': v.object({
      sid: SidSchema,
      content: ContentSchema,
      nonce: NonceSchema,
    }),
    /** `receipt: false`: read, but the other participants are not told (the caller sends no read receipts). */
    'conversation.mark_read': v.object({ sid: SidSchema, receipt: v.optional(v.boolean()) }),
    'conversation.edit_message': v.object({
      sid: SidSchema,
      message_sid: SidSchema,
      content: ContentSchema,
    }),
    'conversation.delete_message': v.object({ sid: SidSchema, message_sid: SidSchema }),
    'conversation.typing': BySid,
    'contact.list': Empty,
  };
}

export const RPC_PARAMS = paramSchemas();

export const RPC_RESULTS: { [M in keyof typeof RPC_PARAMS]: v.Schema<unknown> } = {
  'conversation.list': v.array(ConversationSchema),
  'conversation.get': ConversationSchema,
  'conversation.set': ConversationSchema,
  'conversation.list_messages': v.array(ChatMessageSchema),
  'conversation.send_message': ChatMessageSchema,
  'conversation.mark_read': ConversationSchema,
  'conversation.edit_message': ChatMessageSchema,
  'conversation.delete_message': ChatMessageSchema,
  'conversation.typing': v.unknown(),
  'contact.list': v.array(ContactSchema),
};

/** What each method answers, as types. */
interface RpcResults {
  'conversation.list': Conversation[];
  'conversation.get': Conversation;
  'conversation.set': Conversation;
  'conversation.list_messages': ChatMessage[];
  'conversation.send_message': ChatMessage;
  'conversation.mark_read': Conversation;
  'conversation.edit_message': ChatMessage;
  'conversation.delete_message': ChatMessage;
  'conversation.typing': unknown;
  'contact.list': Contact[];
}

export type RpcMethod = keyof typeof RPC_PARAMS;
export type RpcParams<M extends RpcMethod> = v.Output<(typeof RPC_PARAMS)[M]>;
export type RpcResult<M extends RpcMethod> = RpcResults[M];

export function isRpcMethod(name: string): name is RpcMethod {
  return Object.prototype.hasOwnProperty.call(RPC_PARAMS, name);
}

/**
 * A request's `id`, echoed in its answer: a string, `null`, or a whole number a JSON reader holds
 * exactly (|n| ≤ 2^53 − 1). Any other number would come back as another (`1e400` reads as Infinity,
 * 2^53 + 1 as 2^53), so the caller could not match its answer; JSON-RPC 2.0 also asks for numbers
 * without fractional parts.
 */
const RpcId = v.check(
  v.unknown(),
  (id) => id === null || typeof id === 'string' || Number.isSafeInteger(id),
  `expected a string, a whole number from ${-Number.MAX_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER}, or null`,
) as v.Schema<string | number | null>;

export const RpcRequestSchema = v.object({
  jsonrpc: v.literal('2.0'),
  id: v.optional(RpcId),
  method: v.string(),
  params: v.optional(v.unknown()),
});
export type RpcRequest = v.Output<typeof RpcRequestSchema>;

export const RpcErrorObjectSchema = v.object({
  code: v.integer(-Number.MAX_SAFE_INTEGER),
  message: v.string(),
  data: v.optional(v.unknown()),
});
export type RpcErrorObject = v.Output<typeof RpcErrorObjectSchema>;

/** A response carries exactly one of `result` and `error`. */
export const RpcResponseSchema = v.check(
  v.object({
    jsonrpc: v.literal('2.0'),
    id: RpcId,
    result: v.optional(v.unknown()),
    error: v.optional(RpcErrorObjectSchema),
  }),
  (r) => 'result' in r !== 'error' in r,
  'expected either "result" or "error"',
);
export type RpcResponse = v.Output<typeof RpcResponseSchema>;

export { describeIssues } from './validate.ts';
