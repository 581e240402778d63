import { vi } from 'vitest';
import {
  createCommunicationClient,
  type ClientOptions,
  type CommunicationClient,
} from '../../src/sdk/index.ts';
import type { ChatMessage } from '../../src/protocol/index.ts';
import type { FakeServer } from '../../mocks/fake-stream/index.ts';

/** Lets every timer due now run, and the promises they settle. */
export const flush = () => vi.advanceTimersByTimeAsync(0);

/** A client of `server` whose timers are vitest's fake ones, with anything else overridden. */
export function fakeClient(
  server: FakeServer,
  overrides: Partial<ClientOptions> = {},
): CommunicationClient {
  return createCommunicationClient({
    baseUrl: 'http://osis.test',
    context: 'ctx',
    publicKey: 'bob',
    fetch: server.fetch,
    ...overrides,
    environment: {
      random: () => 0.5,
      isOnline: () => true,
      onlineEvents: new EventTarget(),
      visibilityEvents: new EventTarget(),
      isVisible: () => true,
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      ...overrides.environment,
    },
  });
}

/** A fetch whose requests never get an answer, only an abort error once their signal aborts. */
export function hangingFetch(
  requests: { url: string; signal: AbortSignal | undefined }[] = [],
): typeof fetch {
  return ((input: RequestInfo | URL, init: RequestInit = {}) => {
    const signal = init.signal ?? undefined;
    requests.push({ url: String(input), signal });
    return new Promise<Response>((_, reject) => {
      signal?.addEventListener('abort', () =>
        reject(new DOMException('The operation was aborted.', 'AbortError')),
      );
    });
  }) as typeof fetch;
}

export function message(seq: number, content = `m${seq}`): ChatMessage {
  return {
    sid: `msg_${seq}`,
    conversation_sid: 'conv_1',
    sender_public_key: 'alice',
    content,
    created_at: 1_700_000_000,
    seq,
  };
}
