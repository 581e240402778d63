// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { parseRelayMessage, RELAY_VERSION } from '../../../src/sdk/tabs/relay.ts';

describe('relay messages', () => {
  it('keep everything a status carries, the RPC code of a refusal included', () => {
    const message = {
      v: RELAY_VERSION,
      type: 'items',
      from: 'tab-1',
      items: [
        { kind: 'status', status: { state: 'unauthorized', httpStatus: 200, rpcCode: -32001 } },
      ],
    };
    expect(parseRelayMessage(message)).toEqual({ ok: true, value: message, skipped: [] });
  });

  it('leave out an item they cannot read, saying why, and keep the others in order', () => {
    const status = (attempt: number) => ({
      kind: 'status',
      status: { state: 'connecting', attempt },
    });
    const parsed = parseRelayMessage({
      v: RELAY_VERSION,
      type: 'items',
      from: 'tab-1',
      items: [status(1), { kind: 'status', status: { state: 'asleep' } }, status(2)],
    });
    expect(parsed).toEqual({
      ok: true,
      value: { v: RELAY_VERSION, type: 'items', from: 'tab-1', items: [status(1), status(2)] },
      skipped: [
        'relayed item 1: status.state: expected one of connecting, connected, reconnecting, offline, unauthorized',
      ],
    });
  });

  it('refuse a message of another version with a readable reason', () => {
    const parsed = parseRelayMessage({ v: RELAY_VERSION + 1, type: 'hello', from: 'tab-1' });
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatch(/relay message of version/);
  });
});
