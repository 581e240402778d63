/** What went wrong, in a word: no answer, an HTTP failure, a JSON-RPC error, or an answer off the contract. */
export type CommunicationErrorKind = 'network' | 'http' | 'rpc' | 'invalid_response' | 'aborted';

/** The one error every SDK call fails with. */
export class CommunicationError extends Error {
  override readonly name = 'CommunicationError';
  constructor(
    readonly kind: CommunicationErrorKind,
    message: string,
    /** The JSON-RPC error code, for kind `rpc`. */
    readonly code?: number,
    /** The HTTP status, where there was a response. */
    readonly status?: number,
  ) {
    super(message);
  }

  /** Worth trying again as it is: the request may not have arrived, or the server was briefly unwell. */
  get retryable(): boolean {
    return this.kind === 'network' || (this.kind === 'http' && (this.status ?? 0) >= 500);
  }
}
