import { describe, expect, it } from 'vitest';
import { hostStatus } from '../../src/ui/host-status.ts';

describe('hostStatus', () => {
  it.each(['connecting', 'live', 'unauthorized'] as const)('gives %s as a bare status', (state) => {
    expect(hostStatus({ state } as never)).toEqual({ status: state });
  });

  it('gives the time of the next try while reconnecting', () => {
    expect(hostStatus({ state: 'reconnecting', at: 1_700_000_004_000 })).toEqual({
      status: 'reconnecting',
      retryAt: 1_700_000_004_000,
    });
  });

  it('gives the time of the next try when offline, and none when no try is scheduled', () => {
    expect(hostStatus({ state: 'offline', at: 1_700_000_008_000 })).toEqual({
      status: 'offline',
      retryAt: 1_700_000_008_000,
    });
    expect(hostStatus({ state: 'offline', at: 0 })).toEqual({ status: 'offline' });
  });

  it('never carries a property other than status and retryAt', () => {
    expect(
      Object.keys(
        hostStatus({ state: 'reconnecting', at: 1, attempt: 3, reason: 'x' } as never),
      ).sort(),
    ).toEqual(['retryAt', 'status']);
  });
});
