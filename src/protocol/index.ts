export {
  LIMITS,
  ConversationSchema,
  ChatMessageSchema,
  ContactSchema,
  ContentSchema,
  ReceiptSchema,
  NonceSchema,
  isBlankContent,
} from './schemas.ts';
export type {
  Conversation,
  ChatMessage,
  Contact,
  FullConversation,
  FullChatMessage,
  Receipt,
} from './schemas.ts';
export {
  RPC_PARAMS,
  RPC_RESULTS,
  RpcError,
  RpcErrorCode,
  RpcRequestSchema,
  RpcResponseSchema,
  describeIssues,
  isRpcMethod,
} from './rpc.ts';
export type {
  RpcErrorName,
  RpcMethod,
  RpcParams,
  RpcResult,
  RpcRequest,
  RpcResponse,
  RpcErrorObject,
} from './rpc.ts';
export { ServerEventSchema, SERVER_EVENT_TYPES, parseEventData } from './events.ts';
export type { ServerEvent, ServerEventType, FrameError } from './events.ts';
export { formatCursor, parseCursor } from './cursor.ts';
export { comesAfter, listPositionOf } from './list.ts';
export type { ListPosition } from './list.ts';
export { formatFrame, KEEPALIVE_FRAME } from './frame.ts';
export type { Cursor } from './cursor.ts';
export type { Result } from './result.ts';
/** The validator the schemas are written in, for other boundaries (stored data, attributes). */
export * as v from './validate.ts';
export type { Issue, Schema } from './validate.ts';
export { SERVICE_PATH, HEADER_CONTEXT, HEADER_PUBLIC_KEY } from './http.ts';
