import { fireEvent, waitFor } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import { draftKey, legacyOutboxKey } from '../../src/sync/index.ts';
import { createFakeWorld, type FakeWorld } from '../support/fake-world.ts';
import { composer, mount, openChat } from '../support/island.ts';
import { spyOnConsole } from '../support/console.ts';

// Unsent messages and drafts are kept per server (osis-url), context and key.

const sends = (world: FakeWorld) =>
  world.server.rpcCalls.filter((c) => c.method === 'conversation.send_message');
const live = (host: HTMLElement) =>
  waitFor(() => expect(host.querySelector('.hm-status')?.getAttribute('data-state')).toBe('live'));
/** Time for a tab that goes live to resend what it thinks waits (it does so at once). */
const aWhile = () => new Promise((resolve) => setTimeout(resolve, 100));

async function open(host: HTMLElement, sid: string) {
  await openChat(host, sid);
  await waitFor(() => expect(composer(host).disabled).toBe(false));
}

const waiting = (nonce: string, sid: string) => ({
  nonce,
  conversation_sid: sid,
  content: `waiting ${nonce}`,
  created_at: Date.now(),
  state: 'failed',
});

describe('storage per server', () => {
  it('keeps the unsent messages and drafts of each server apart: a tab on another server neither sends nor shows them', async () => {
    spyOnConsole('warn');
    const production = createFakeWorld();
    const staging = createFakeWorld();
    // Staging holds a copy of production's DM, same sid: it would accept production's message.
    staging.service
      .world('world')
      .putConversation(production.service.world('world').conversation(production.dm.sid)!);
    const prod = mount({ world: production, baseUrl: 'https://prod.test/osis' });
    await live(prod.host);
    await open(prod.host, production.dm.sid);
    production.failNext('conversation.send_message');
    fireEvent.input(composer(prod.host), { target: { value: 'for production only' } });
    fireEvent.keyDown(composer(prod.host), { key: 'Enter' });
    await waitFor(() =>
      expect(prod.host.querySelector('.hm-msg[data-status="failed"]')).toBeTruthy(),
    );
    fireEvent.input(composer(prod.host), { target: { value: 'a production draft' } });
    prod.dispose();

    const stage = mount({ world: staging, baseUrl: 'https://staging.test/osis' });
    await live(stage.host);
    await aWhile();
    expect(sends(staging)).toEqual([]);
    // The copy opens empty, with no bubble of production's.
    await open(stage.host, production.dm.sid);
    expect(composer(stage.host).value).toBe('');
    expect(stage.host.querySelector('.hm-msg[data-status="failed"]')).toBeNull();
    stage.dispose();

    // Production's tab, back, has both, and sends its message there.
    const again = mount({ world: production, baseUrl: 'https://prod.test/osis/' });
    await live(again.host);
    await waitFor(() =>
      expect(sends(production).map((c) => (c.params as { content: string }).content)).toEqual([
        'for production only',
      ]),
    );
    await open(again.host, production.dm.sid);
    expect(composer(again.host).value).toBe('a production draft');
  });

  it('takes over what an older version kept per page origin when its server is on that origin, and leaves it alone for a server elsewhere', async () => {
    const world = createFakeWorld();
    const legacy = legacyOutboxKey(location.origin, 'world', 'bob');
    localStorage.setItem(legacy, JSON.stringify([waiting('w1', world.dm.sid)]));
    localStorage.setItem(
      draftKey(location.origin, 'world', 'bob', world.dm.sid),
      JSON.stringify({ text: 'an old draft' }),
    );

    const elsewhere = mount({ world: world, baseUrl: 'https://elsewhere.test' });
    await live(elsewhere.host);
    await aWhile();
    expect(sends(world)).toEqual([]);
    await open(elsewhere.host, world.dm.sid);
    expect(composer(elsewhere.host).value).toBe('');
    elsewhere.dispose();
    expect(localStorage.getItem(legacy)).not.toBeNull();

    const here = mount({ world: world, baseUrl: `${location.origin}/osis` });
    await live(here.host);
    await waitFor(() =>
      expect(sends(world).map((c) => c.params)).toEqual([
        { sid: world.dm.sid, content: 'waiting w1', nonce: 'w1' },
      ]),
    );
    expect(localStorage.getItem(legacy)).toBeNull();
    await open(here.host, world.dm.sid);
    expect(composer(here.host).value).toBe('an old draft');
    expect(
      localStorage.getItem(draftKey(location.origin, 'world', 'bob', world.dm.sid)),
    ).toBeNull();
  });
});
