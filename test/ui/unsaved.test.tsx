import { waitFor } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import { en } from '../../src/ui/strings.ts';
import { createFakeOrigin } from '../support/fake-storage.ts';
import { createFakeWorld } from '../support/fake-world.ts';
import { composer, mount, openChat, sendText } from '../support/island.ts';
import { spyOnConsole } from '../support/console.ts';

// A message the browser cannot keep says so at once.

/** Each unsent bubble's text, and the note under it about storage, if any. */
const unsent = (host: HTMLElement) =>
  [...host.querySelectorAll('.hm-msg:not([data-status="sent"])')].map((el) => [
    el.querySelector('.hm-text')!.textContent,
    el.querySelector('.hm-unsaved')?.textContent,
  ]);

describe('a message storage cannot keep', () => {
  it('says under its bubble that a reload loses it, while it is being sent and once it failed; a message stored before says nothing', async () => {
    spyOnConsole('warn');
    const world = createFakeWorld();
    const origin = createFakeOrigin();
    const { host } = mount({ world, storage: origin.tab().storage });
    await openChat(host, world.dm.sid);
    await waitFor(() => expect(composer(host).disabled).toBe(false));
    const write = (text: string) => sendText(host, text);

    world.failNext('conversation.send_message');
    write('kept');
    await waitFor(() => expect(unsent(host)).toEqual([['kept', undefined]]));
    origin.full = true;
    const release = world.hold('conversation.send_message');
    write('sent in the end');
    await waitFor(() =>
      expect(unsent(host)).toEqual([
        ['kept', undefined],
        ['sent in the end', en.unsaved],
      ]),
    );
    expect(host.querySelector('.hm-msg[data-status="sending"] .hm-unsaved')).toBeTruthy();
    release();
    await waitFor(() => expect(unsent(host)).toEqual([['kept', undefined]]));
    world.failNext('conversation.send_message');
    write('not kept');
    await waitFor(() =>
      expect(host.querySelectorAll('.hm-msg[data-status="failed"]')).toHaveLength(2),
    );
    expect(unsent(host)).toEqual([
      ['kept', undefined],
      ['not kept', en.unsaved],
    ]);
  });
});
