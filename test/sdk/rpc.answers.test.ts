// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { CommunicationError } from '../../src/sdk/errors.ts';
import { makeRpcCall } from '../../src/sdk/rpc.ts';

const identity = { baseUrl: 'http://127.0.0.1:1', context: 'ctx', publicKey: 'alice' };

/** A fetch that answers every request with `body` and `status`. */
const answering = (status: number, body: string, type = 'application/json') =>
  (async () => new Response(body, { status, headers: { 'Content-Type': type } })) as typeof fetch;

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as CommunicationError,
  );

describe('an answer the client cannot read', () => {
  it.each([
    ['a proxy error page', 502, '<html>Bad gateway</html>', 'text/html', 'http', 'HTTP 502'],
    [
      'a page served as the RPC',
      200,
      '<html>hello</html>',
      'text/html',
      'invalid_response',
      'response is not JSON',
    ],
    [
      'JSON that is not JSON-RPC, with an error status',
      500,
      '{"oops":1}',
      'application/json',
      'http',
      'HTTP 500',
    ],
    [
      'JSON that is not JSON-RPC',
      200,
      '{"oops":1}',
      'application/json',
      'invalid_response',
      'not a JSON-RPC response',
    ],
  ])(
    '%s: says the HTTP status where it is an error, else what was wrong',
    async (_, status, body, type, kind, what) => {
      const call = makeRpcCall(identity, answering(status, body, type));
      const error = await failure(call('conversation.list', {}));
      expect(error).toBeInstanceOf(CommunicationError);
      expect(error).toMatchObject({ kind, status, message: `conversation.list: ${what}` });
    },
  );
});
