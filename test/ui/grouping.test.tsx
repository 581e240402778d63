import { waitFor } from '@solidjs/testing-library';
import { expect, it } from 'vitest';
import { createFakeWorld } from '../support/fake-world.ts';
import { mount, openChat } from '../support/island.ts';

// Consecutive messages of one sender, minutes apart, are drawn as one group, as chat apps do.

it('names the sender once per group, joins its bubbles and marks the last of each', async () => {
  const world = createFakeWorld();
  for (const [from, text] of [
    ['carol', 'Crew, assemble'],
    ['carol', 'Lake at six'],
    ['alice', 'On my way'],
    ['bob', 'Me too'],
    ['bob', 'Bringing snacks'],
    ['carol', 'Great'],
  ] as const)
    world.send(from, world.group.sid, text);
  const { host } = mount({ world });
  await openChat(host, world.group.sid);
  await waitFor(() => expect(host.querySelectorAll('.hm-msg')).toHaveLength(7));
  // Names come with the contacts.
  await waitFor(() => expect(host.querySelector('.hm-sender')?.textContent).toBe('Carol'));
  const rows = [...host.querySelectorAll<HTMLElement>('.hm-msg')].map((row) =>
    [
      row.querySelector('.hm-sender')?.textContent ?? '-',
      row.querySelector('.hm-text')!.textContent,
      row.classList.contains('hm-cont') ? 'joined' : 'starts',
      row.classList.contains('hm-tail') ? 'last' : '',
    ]
      .join(' ')
      .trim(),
  );
  expect(rows).toEqual([
    // The chat's first message, from Carol too.
    'Carol Welcome to the crew starts',
    '- Crew, assemble joined',
    '- Lake at six joined last',
    'Alice On my way starts last',
    '- Me too starts',
    '- Bringing snacks joined last',
    'Carol Great starts last',
  ]);
});
