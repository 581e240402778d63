export { createChatSession, makeChatSession } from './session.ts';
export type { ChatSession, SessionOptions } from './session.ts';
export type { ConnectionStatus } from './status.ts';
export type { Bubble, ChatState, OpenChat, PendingSend } from './state.ts';
export { outboxKey, OUTBOX_MAX_AGE_MS } from './outbox.ts';
export type { OutboxStorage } from './outbox.ts';
export { totalUnread } from './merge.ts';
export { duringFrame } from './tasks.ts';
