import { beforeEach, describe, expect, it, vi } from 'vitest';
import { RpcErrorCode } from '../../src/protocol/index.ts';
import { CommunicationError } from '../../src/sdk/index.ts';
import { makeContacts } from '../../src/sync/contacts.ts';
import { settle, useFakeClock } from '../support/clock.ts';
import { spyOnConsole } from '../support/console.ts';
import { createUnitWorld } from '../support/unit-world.ts';

const ALICE = [{ public_key: 'alice', name: 'Alice' }];

function setup() {
  const { client, store, controller, parts } = createUnitWorld();
  const contacts = makeContacts(parts);
  return { client, store, contacts, controller };
}

let warn: ReturnType<typeof spyOnConsole>;
beforeEach(() => {
  useFakeClock();
  warn = spyOnConsole('warn');
});

describe('the contacts', () => {
  it('are fetched once: not again while on their way or held', async () => {
    const { client, store, contacts } = setup();
    contacts.ensure();
    contacts.ensure();
    expect(client.calls).toHaveLength(1);
    client.reply('contact.list', ALICE);
    await settle();
    expect(store.state().contacts).toEqual(ALICE);
    contacts.ensure();
    expect(client.calls).toHaveLength(1);
  });

  it('are fetched again after network trouble, with backoff, saying so once', async () => {
    const { client, store, contacts } = setup();
    contacts.ensure();
    client.failWith('contact.list', new CommunicationError('network', 'fetch failed'));
    await settle();
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('cannot fetch the contacts, retrying in 500 ms: fetch failed'),
    );
    contacts.ensure();
    expect(client.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(500);
    client.failWith('contact.list', new CommunicationError('network', 'fetch failed'));
    await settle();
    await vi.advanceTimersByTimeAsync(1000);
    client.reply('contact.list', ALICE);
    await settle();
    expect(store.state().contacts).toEqual(ALICE);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('start the backoff over after a success', async () => {
    const { client, contacts } = setup();
    contacts.ensure();
    client.failWith('contact.list', new CommunicationError('network', 'fetch failed'));
    await vi.advanceTimersByTimeAsync(500);
    // The context has no contacts yet: the next ensure asks again.
    client.reply('contact.list', []);
    await settle();
    contacts.ensure();
    client.failWith('contact.list', new CommunicationError('network', 'fetch failed'));
    await settle();
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn).toHaveBeenLastCalledWith(expect.stringContaining('retrying in 500 ms'));
  });

  it('are not retried on their own after a refusal, which is logged; the next ensure tries again', async () => {
    const { client, contacts } = setup();
    contacts.ensure();
    client.failWith(
      'contact.list',
      new CommunicationError('rpc', 'method not found', RpcErrorCode.MethodNotFound, 200),
    );
    await settle();
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('cannot fetch the contacts: method not found'),
    );
    await vi.advanceTimersByTimeAsync(60_000);
    expect(client.calls).toHaveLength(1);
    contacts.ensure();
    expect(client.calls).toHaveLength(2);
  });

  it('leave no timer after dispose, and say nothing about an aborted fetch', async () => {
    const { client, contacts } = setup();
    contacts.ensure();
    client.failWith('contact.list', new CommunicationError('network', 'fetch failed'));
    await settle();
    contacts.dispose();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(client.calls).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
    warn.mockClear();
    const second = setup();
    second.contacts.ensure();
    second.controller.abort();
    second.client.failWith('contact.list', new CommunicationError('aborted', 'aborted'));
    await settle();
    expect(warn).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
});
