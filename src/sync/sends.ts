import type { ChatMessage } from '../protocol/index.ts';
import { applyNewMessage } from './merge.ts';
import type { SendFailure } from './send-failure.ts';
import type { ChatState, PendingSend } from './state.ts';

// A send's way through the outbox: queued, then stored by the server (the outbox lets it go), or
// failed, tried again, edited while it waits, or discarded.

export function queueSend(state: ChatState, pending: PendingSend): ChatState {
  return { ...state, outbox: [...state.outbox, pending] };
}

/**
 * The server stored the send of `nonce` as `message`: the bubble becomes the server's message, the
 * preview follows. A server that does not echo the nonce is matched by the send: the answer takes the
 * nonce, unless a copy from the stream took the pending send's place already.
 */
export function sendSucceeded(state: ChatState, message: ChatMessage, nonce: string): ChatState {
  const waiting = message.nonce === undefined && state.outbox.some((p) => p.nonce === nonce);
  return applyNewMessage(state, waiting ? { ...message, nonce } : message);
}

export function sendFailed(
  state: ChatState,
  nonce: string,
  failure: SendFailure,
  retryable: boolean,
): ChatState {
  if (!state.outbox.some((p) => p.nonce === nonce)) return state;
  return {
    ...state,
    outbox: state.outbox.map((p) =>
      p.nonce === nonce ? { ...p, state: 'failed' as const, failure, retryable } : p,
    ),
  };
}

/** A failed send tried again, by tab `owner` from `since` (unix ms). */
export function retrySend(
  state: ChatState,
  nonce: string,
  owner?: string,
  since?: number,
): ChatState {
  return {
    ...state,
    outbox: state.outbox.map((p) =>
      p.nonce === nonce
        ? {
            nonce: p.nonce,
            conversation_sid: p.conversation_sid,
            content: p.content,
            created_at: p.created_at,
            state: 'sending' as const,
            owner,
            since,
          }
        : p,
    ),
  };
}

/** A message not sent yet takes its new text (it goes out with it, or with an edit right after, see `Sender`). */
export function editPending(state: ChatState, nonce: string, content: string): ChatState {
  if (!state.outbox.some((p) => p.nonce === nonce)) return state;
  return { ...state, outbox: state.outbox.map((p) => (p.nonce === nonce ? { ...p, content } : p)) };
}

export function discardSend(state: ChatState, nonce: string): ChatState {
  return { ...state, outbox: state.outbox.filter((p) => p.nonce !== nonce) };
}
