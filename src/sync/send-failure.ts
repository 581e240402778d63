import { CommunicationError } from '../sdk/index.ts';

const UNREACHABLE = 'the server could not be reached';
const REFUSED = 'the server refused it';
const TROUBLE = 'the server had a problem';

/**
 * Why a send failed, in words a person reads next to Retry / Discard ("Not sent: …"): the SDK's
 * messages name URLs and codes, which help a developer but not the person writing.
 */
export function sendFailure(error: unknown): string {
  if (!(error instanceof CommunicationError)) return TROUBLE;
  if (error.kind === 'network') return UNREACHABLE;
  // A JSON-RPC error's message is "<code> <what the server said>"; what it said is worth showing.
  if (error.kind === 'rpc') return `${REFUSED} (${error.message.replace(/^-?\d+ /, '')})`;
  return error.status ? `${TROUBLE} (HTTP ${error.status})` : TROUBLE;
}
