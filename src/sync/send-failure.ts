import { CommunicationError } from '../sdk/index.ts';

/** Characters kept of what a refusing server said: the stored outbox takes no more. */
export const SAID_MAX = 2000;

/**
 * Why a send failed, as data: the words are the UI's (`strings.ts`), so they are in the host's
 * language. Kept as it is in the stored outbox.
 */
export type SendFailure =
  | { why: 'unreachable' }
  /** The page closed (or its tab crashed) before the send went out. */
  | { why: 'closed' }
  /** The server refused it, saying `said`. */
  | { why: 'refused'; said: string }
  /** The server had a problem; `status` is the HTTP status when there was one. */
  | { why: 'trouble'; status?: number };

/**
 * Why `error` failed a send, for the person next to Retry / Discard ("Not sent: …"): the SDK's
 * messages name URLs and codes, which help a developer but not the person writing.
 */
export function sendFailure(error: unknown): SendFailure {
  if (!(error instanceof CommunicationError)) return { why: 'trouble' };
  if (error.kind === 'network') return { why: 'unreachable' };
  // A JSON-RPC error's message is "<code> <what the server said>"; what it said is worth showing.
  if (error.kind === 'rpc')
    return { why: 'refused', said: error.message.replace(/^-?\d+ /, '').slice(0, SAID_MAX) };
  return error.status ? { why: 'trouble', status: error.status } : { why: 'trouble' };
}
