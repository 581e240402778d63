import * as v from 'valibot';
import {
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

/** JSON-RPC error codes of DESIGN §4. */
export const RpcErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  Unauthenticated: -32001,
  NotParticipant: -32003,
  NotFound: -32004,
} as const;
export type RpcErrorCode = (typeof RpcErrorCode)[keyof typeof RpcErrorCode];

const Empty = v.object({});
const BySid = v.object({ sid: SidSchema });

/** One entry per RPC method: its params and its result, shared by the SDK and the dev backend. */
export const RPC_METHODS = {
  'conversation.list': { params: Empty, result: v.array(ConversationSchema) },
  'conversation.get': { params: BySid, result: ConversationSchema },
  'conversation.set': {
    params: v.object({
      sid: v.optional(SidSchema),
      name: v.optional(
        v.pipe(v.string(), v.trim(), v.maxLength(LIMITS.nameMax, `name is longer than ${LIMITS.nameMax} characters`)),
      ),
      participant_keys: v.pipe(
        v.array(PublicKeySchema),
        v.minLength(LIMITS.participantsMin, `at least ${LIMITS.participantsMin} participants`),
        v.maxLength(LIMITS.participantsMax, `at most ${LIMITS.participantsMax} participants`),
      ),
    }),
    result: ConversationSchema,
  },
  'conversation.list_messages': {
    params: v.object({
      sid: SidSchema,
      before_seq: v.optional(SeqSchema),
      limit: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(LIMITS.pageMax))),
    }),
    result: v.array(ChatMessageSchema),
  },
  'conversation.send_message': {
    params: v.object({ sid: SidSchema, content: ContentSchema, nonce: NonceSchema }),
    result: ChatMessageSchema,
  },
  'conversation.mark_read': { params: BySid, result: ConversationSchema },
  'contact.list': { params: Empty, result: v.array(ContactSchema) },
} as const;

export type RpcMethod = keyof typeof RPC_METHODS;
export type RpcParams<M extends RpcMethod> = v.InferInput<(typeof RPC_METHODS)[M]['params']>;
/** Params as the server sees them after validation (trimmed, defaults applied). */
export type RpcValidParams<M extends RpcMethod> = v.InferOutput<(typeof RPC_METHODS)[M]['params']>;
export type RpcResult<M extends RpcMethod> = v.InferOutput<(typeof RPC_METHODS)[M]['result']>;

export function isRpcMethod(name: string): name is RpcMethod {
  return Object.prototype.hasOwnProperty.call(RPC_METHODS, name);
}

const RpcId = v.union([v.string(), v.number(), v.null()]);

export const RpcRequestSchema = v.object({
  jsonrpc: v.literal('2.0'),
  id: v.optional(RpcId),
  method: v.string(),
  params: v.optional(v.unknown()),
});
export type RpcRequest = v.InferOutput<typeof RpcRequestSchema>;

export const RpcErrorObjectSchema = v.object({
  code: v.pipe(v.number(), v.integer()),
  message: v.string(),
  data: v.optional(v.unknown()),
});
export type RpcErrorObject = v.InferOutput<typeof RpcErrorObjectSchema>;

export const RpcResponseSchema = v.union([
  v.object({ jsonrpc: v.literal('2.0'), id: RpcId, result: v.unknown() }),
  v.object({ jsonrpc: v.literal('2.0'), id: RpcId, error: RpcErrorObjectSchema }),
]);
export type RpcResponse = v.InferOutput<typeof RpcResponseSchema>;

/**
 * A readable, one-line account of what failed validation, naming the field:
 * `content: content is empty`.
 */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => {
      const path = v.getDotPath(issue);
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
