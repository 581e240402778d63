// @vitest-environment node
import { createRoot } from 'solid-js';
import { describe, expect, it, vi } from 'vitest';
import { CommunicationError, type StreamStatus } from '../../src/sdk/index.ts';
import {
  connectionStatus,
  listProblemOf,
  makeSessionHealth,
  type SessionFacts,
} from '../../src/sync/status.ts';

const connected: StreamStatus = { state: 'connected', heartbeatMs: 15_000 };
const facts = (over: Partial<SessionFacts>): SessionFacts => ({
  stream: connected,
  fresh: true,
  refused: false,
  ended: false,
  snapshotRetryAt: 0,
  ...over,
});

describe('the connection status', () => {
  it.each<[string, Partial<SessionFacts>, string]>([
    ['connected and fresh', {}, 'live'],
    ['connected, snapshot pending', { fresh: false }, 'connecting'],
    ['connected, a failed snapshot waiting', { fresh: false, snapshotRetryAt: 5 }, 'reconnecting'],
    ['connected and fresh, a later snapshot waiting', { snapshotRetryAt: 5 }, 'live'],
    [
      'a failed snapshot waiting while the stream reconnects',
      {
        fresh: false,
        snapshotRetryAt: 5,
        stream: { state: 'reconnecting', at: 9, attempt: 1, reason: 'x' },
      },
      'reconnecting',
    ],
    ['connecting', { stream: { state: 'connecting', attempt: 0 } }, 'connecting'],
    ['offline device', { stream: { state: 'offline', at: 5, attempt: 1, reason: 'x' } }, 'offline'],
    [
      'stream refused (401)',
      { stream: { state: 'unauthorized', httpStatus: 401 } },
      'unauthorized',
    ],
    ['RPC refused while the stream is up', { refused: true }, 'unauthorized'],
    ['loop ended while connected', { ended: true }, 'offline'],
    [
      'loop ended while reconnecting',
      { ended: true, stream: { state: 'reconnecting', at: 9, attempt: 1, reason: 'x' } },
      'offline',
    ],
    ['refused, then the loop ended', { refused: true, ended: true }, 'unauthorized'],
  ])('%s → %s', (_name, over, state) => {
    expect(connectionStatus(facts(over)).state).toBe(state);
  });

  it('says when the next try is while reconnecting', () => {
    expect(
      connectionStatus(
        facts({ stream: { state: 'reconnecting', at: 1234, attempt: 2, reason: 'x' } }),
      ),
    ).toEqual({ state: 'reconnecting', at: 1234 });
  });

  it('says when a failed snapshot is tried again while the stream is up', () => {
    expect(connectionStatus(facts({ fresh: false, snapshotRetryAt: 4321 }))).toEqual({
      state: 'reconnecting',
      at: 4321,
    });
  });
});

describe('the session health', () => {
  it('starts connecting, runs onLive on each turn to live only, and knows when the stream waits', () => {
    createRoot((dispose) => {
      const onLive = vi.fn();
      const health = makeSessionHealth();
      health.onLive(onLive);
      expect(health.status()).toEqual({ state: 'connecting' });
      health.update({ stream: connected });
      expect(health.status().state).toBe('connecting');
      health.update({ fresh: true });
      health.update({ fresh: true });
      expect(health.status().state).toBe('live');
      expect(onLive).toHaveBeenCalledTimes(1);
      health.update({ stream: { state: 'reconnecting', at: 10, attempt: 1, reason: 'x' } });
      expect(health.waiting).toBe(true);
      health.update({ stream: { state: 'offline', at: 10, attempt: 1, reason: 'x' } });
      expect(health.waiting).toBe(true);
      health.update({ stream: connected });
      expect(health.waiting).toBe(false);
      expect(onLive).toHaveBeenCalledTimes(2);
      dispose();
    });
  });

  it('counts the times the store went stale, so that a snapshot taken before the last can tell', () => {
    createRoot((dispose) => {
      const health = makeSessionHealth();
      health.update({ stream: connected, fresh: true });
      expect(health.staleness).toBe(0);
      health.update({ fresh: false });
      health.update({ stream: connected, fresh: false });
      health.update({ fresh: true });
      expect(health.staleness).toBe(2);
      dispose();
    });
  });

  it('does not publish an unchanged status again', () => {
    createRoot((dispose) => {
      const health = makeSessionHealth();
      const first = health.status();
      health.update({ stream: { state: 'connecting', attempt: 3 } });
      expect(health.status()).toBe(first);
      dispose();
    });
  });
});

describe('why a list failed while the server is up', () => {
  it.each<[string, unknown, string | undefined]>([
    [
      'an answer off the contract',
      new CommunicationError('invalid_response', 'result[0].sid: expected a string'),
      'unreadable',
    ],
    ['a JSON-RPC error', new CommunicationError('rpc', 'database is down', -32603), 'failing'],
    ['an HTTP failure', new CommunicationError('http', 'HTTP 502', undefined, 502), 'failing'],
    ['no answer', new CommunicationError('network', 'fetch failed'), undefined],
    ['something else', new TypeError('boom'), undefined],
  ])('%s is %s', (_, error, problem) => {
    expect(listProblemOf(error)).toBe(problem);
  });
});
