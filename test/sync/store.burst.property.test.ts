// @vitest-environment node
import { expect, it } from 'vitest';
import type { ChatMessage, ServerEvent } from '../../src/protocol/index.ts';
import { applyEvent, applyNewMessage } from '../../src/sync/merge.ts';
import { queueSend } from '../../src/sync/sends.ts';
import { clearUnread, openChat } from '../../src/sync/open-chat.ts';
import { applySnapshot } from '../../src/sync/snapshot.ts';
import { initialState, type ChatState } from '../../src/sync/state.ts';
import { createChatStore } from '../../src/sync/store.ts';
import { manualSchedule, row } from '../support/session-env.ts';

// The store takes a burst of events into the open chat as one copy, appended when its messages are
// read or published. Random runs of events, changes, reads kept for later, publications and a
// dispose must leave it, every state read from it, and what its watchers heard equal to the same
// events applied one by one. Seeded (mulberry32 by round), so a failure names its round.
let rand = 1;
const rnd = (n: number) => {
  rand = (rand + 0x6d2b79f5) | 0;
  let t = Math.imul(rand ^ (rand >>> 15), 1 | rand);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) % n;
};
const msg = (
  seq: number,
  sid: string,
  sender = 'alice',
  nonce?: string,
  seqless = false,
): ChatMessage => ({
  sid: `m${seq}`,
  conversation_sid: sid,
  sender_public_key: sender,
  content: nonce ?? `text ${seq}`,
  created_at: 1_700_000_000 + Math.floor(seq / 3),
  ...(seqless ? {} : { seq }),
  ...(nonce ? { nonce } : {}),
});
/** A copy with no getters left: what storage or another tab would be given. */
const plainCopy = (s: unknown) => JSON.parse(JSON.stringify(s));

let bursts = 0;
for (const seqless of [false, true]) {
  it(`a store in bursts stays equal to one by one, for kept reads and watchers too (seqless ${seqless})`, () => {
    for (let round = 0; round < 300; round++) {
      rand = round + 1;
      const start = openChat(
        applySnapshot(initialState('bob'), { conversations: [row('c1'), row('c2')] }),
        'c1',
      );
      const tasks = manualSchedule();
      const store = createChatStore(start, { schedule: tasks.schedule });
      let truth = start;
      let heardLast: ChatState = start;
      const log: string[] = [];
      store.watch((next, previous) => {
        expect(plainCopy(previous), `round ${round} (watch)\n` + log.join('\n')).toEqual(
          plainCopy(heardLast),
        );
        heardLast = next;
      });
      /** Applies `event` to the store and to the one-by-one truth. */
      const both = (label: string, event: ServerEvent) => {
        log.push(label);
        store.apply(event);
        truth = applyEvent(truth, event);
      };
      const kept: [ChatState, unknown][] = [];
      let seq = 10;
      let nonce = 0;
      for (let step = 0; step < 40; step++) {
        const r = rnd(15);
        const chat = rnd(4) === 0 ? 'c2' : 'c1';
        const s = seq;
        if (r < 5) {
          seq += 1 + rnd(2);
          const event: ServerEvent = {
            type: 'chatmessage.new',
            data: msg(seq, chat, 'alice', undefined, seqless),
          };
          both(`apply new ${seq} ${chat}`, event);
        } else if (r === 5) {
          const old = Math.max(1, s - rnd(6));
          const event: ServerEvent = {
            type: 'chatmessage.new',
            data: msg(old, chat, 'alice', undefined, seqless),
          };
          both(`apply old ${old} ${chat}`, event);
        } else if (r === 6) {
          const n = `n${++nonce}`;
          const p = {
            nonce: n,
            conversation_sid: chat,
            content: n,
            created_at: 0,
            state: 'sending' as const,
          };
          log.push(`queue ${n}`);
          store.update((x) => queueSend(x, p));
          truth = queueSend(truth, p);
        } else if (r === 7 && truth.outbox.length > 0) {
          const p = truth.outbox[rnd(truth.outbox.length)]!;
          seq++;
          const withNonce = rnd(2) === 0;
          const event: ServerEvent = {
            type: 'chatmessage.new',
            data: {
              ...msg(seq, p.conversation_sid, 'bob', withNonce ? p.nonce : undefined, seqless),
              content: p.content,
            },
          };
          both(`echo ${p.nonce} ${seq} nonce=${withNonce}`, event);
        } else if (r === 8) {
          const upd = {
            ...msg(Math.max(1, s - rnd(4)), chat, 'alice', undefined, seqless),
            content: 'edited',
            updated_seq: seq + 100,
          };
          const event: ServerEvent = { type: 'chatmessage.updated', data: upd };
          both(`updated ${upd.sid}`, event);
        } else if (r === 9) {
          log.push(`clearUnread ${chat}`);
          store.update((x) => clearUnread(x, chat));
          truth = clearUnread(truth, chat);
        } else if (r === 10) {
          log.push('keep');
          kept.push([store.state(), plainCopy(truth)]);
        } else if (r === 11) {
          log.push('publish');
          if (rnd(2)) tasks.run();
          else store.publish();
        } else if (r === 12) {
          const m = msg(Math.max(1, s - rnd(3)), 'c1', 'carol', undefined, seqless);
          log.push(`update applyNewMessage ${m.sid}`);
          store.update((x) => applyNewMessage(x, m));
          truth = applyNewMessage(truth, m);
        } else if (r === 14) {
          log.push('dispose');
          store.dispose();
          // The watchers hear what a burst held.
          expect(plainCopy(heardLast), log.join('\n')).toEqual(plainCopy(truth));
        } else {
          log.push('update rows only, reading messages');
          const f = (x: ChatState) =>
            x.open && x.open.messages.length >= 0 ? clearUnread(x, 'c2') : x;
          store.update(f);
          truth = f(truth);
        }
        expect(plainCopy(store.state()), `round ${round}\n` + log.join('\n')).toEqual(
          plainCopy(truth),
        );
        // Storage keeps the outbox: the watchers hear every change of it at once.
        expect(plainCopy(heardLast.outbox), log.join('\n')).toEqual(plainCopy(truth.outbox));
        bursts += store.state() !== store.state() ? 1 : 0;
      }
      for (const [state, then] of kept) expect(plainCopy(state), log.join('\n')).toEqual(then);
      // A dispose drops a pending publication by design: publish what is there.
      store.publish();
      expect(plainCopy(store.view()), log.join('\n')).toEqual(plainCopy(truth));
      expect(plainCopy(heardLast), log.join('\n')).toEqual(plainCopy(truth));
    }
    expect(bursts).toBeGreaterThan(1000);
  });
}
