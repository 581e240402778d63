// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseEventData,
  type ChatMessage,
  type Conversation,
  type ServerEvent,
} from '../../src/protocol/index.ts';
import { CommunicationService } from '../../mocks/backend/service.ts';
import { bubblesOf } from '../../src/sync/bubbles.ts';
import { applyEvent, applyEvents } from '../../src/sync/merge.ts';
import { openChat } from '../../src/sync/open-chat.ts';
import { sendSucceeded } from '../../src/sync/sends.ts';
import { applySnapshot } from '../../src/sync/snapshot.ts';
import { byActivity, rowSlice, type Row } from '../../src/sync/rows.ts';
import { initialState, type ChatState, type Snapshot } from '../../src/sync/state.ts';

const ME = 'bob';
const USERS = ['alice', 'bob', 'carol'] as const;
const CTX = 'prop';

type Op =
  | { kind: 'send'; from: number; conv: number; text: string }
  | { kind: 'read'; who: number; conv: number; receipt: boolean }
  | { kind: 'edit'; who: number; conv: number; pick: number; text: string }
  | { kind: 'delete'; who: number; conv: number; pick: number }
  | { kind: 'members'; who: number; conv: number; withBob: boolean; name: string };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('send' as const),
      from: fc.nat(2),
      conv: fc.nat(2),
      text: fc.string({ minLength: 1, maxLength: 5 }).map((s) => `m-${s}`),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('read' as const),
      who: fc.nat(2),
      conv: fc.nat(2),
      receipt: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      who: fc.nat(2),
      conv: fc.nat(2),
      pick: fc.nat(),
      text: fc.string({ minLength: 1, maxLength: 5 }).map((s) => `e-${s}`),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      who: fc.nat(2),
      conv: fc.nat(2),
      pick: fc.nat(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('members' as const),
      who: fc.nat(2),
      conv: fc.nat(2),
      withBob: fc.boolean(),
      name: fc.constantFrom('', 'Team', 'Plans'),
    }),
  },
);

interface History {
  events: ServerEvent[];
  /** Event counts at which a snapshot was taken. */
  snapshotPoints: number[];
  /** What the server answered after k events had happened (k one of `snapshotPoints`). */
  snapshotAt: (k: number, openSid: string | undefined) => Snapshot;
  finalRows: Conversation[];
  finalMessages: (sid: string) => ChatMessage[];
  convSids: string[];
  ownNonces: { nonce: string; sid: string; content: string }[];
}

function runHistory(ops: Op[]): History {
  const service = new CommunicationService({ logSize: 100_000 });
  const events: ServerEvent[] = [];
  service.log.subscribe({
    context: CTX,
    key: ME,
    offer(event) {
      const parts = event.framePartsFor(ME);
      if (!parts) return;
      const data = /^data: (.*)$/m.exec(Buffer.concat(parts).toString())![1]!;
      const parsed = parseEventData(data);
      if (parsed.ok) events.push(parsed.value);
    },
  });
  const snapshots: {
    atEvent: number;
    rows: Conversation[];
    messages: Map<string, ChatMessage[]>;
  }[] = [];
  const convSids: string[] = [];
  const ownNonces: { nonce: string; sid: string; content: string }[] = [];
  const take = () => {
    const rows = service.call(CTX, ME, 'conversation.list', {}) as Conversation[];
    const messages = new Map<string, ChatMessage[]>();
    for (const sid of convSids) {
      try {
        messages.set(
          sid,
          service.call(CTX, ME, 'conversation.list_messages', { sid, limit: 200 }) as ChatMessage[],
        );
      } catch {
        // not a participant now
      }
    }
    snapshots.push({ atEvent: events.length, rows, messages });
  };
  take();
  for (let i = 0; i < 3; i++) {
    const members = i === 2 ? ['alice', 'carol'] : ['alice', 'bob', ...(i === 1 ? ['carol'] : [])];
    convSids.push(
      (
        service.call(CTX, 'alice', 'conversation.set', {
          participant_keys: members,
        }) as Conversation
      ).sid,
    );
    take();
  }
  ops.forEach((op, n) => {
    const sid = convSids[op.conv]!;
    try {
      if (op.kind === 'send') {
        const nonce = `nonce-${n}`;
        service.call(CTX, USERS[op.from]!, 'conversation.send_message', {
          sid,
          content: op.text,
          nonce,
        });
        if (USERS[op.from] === ME) ownNonces.push({ nonce, sid, content: op.text });
      } else if (op.kind === 'read') {
        service.call(CTX, USERS[op.who]!, 'conversation.mark_read', { sid, receipt: op.receipt });
      } else if (op.kind === 'edit' || op.kind === 'delete') {
        // One of their own messages in that chat, edited or deleted.
        const who = USERS[op.who]!;
        const own = (
          service.call(CTX, who, 'conversation.list_messages', { sid, limit: 200 }) as ChatMessage[]
        ).filter((m) => m.sender_public_key === who);
        const message = own[op.pick % Math.max(1, own.length)];
        if (!message) return take();
        if (op.kind === 'edit')
          service.call(CTX, who, 'conversation.edit_message', {
            sid,
            message_sid: message.sid,
            content: op.text,
          });
        else
          service.call(CTX, who, 'conversation.delete_message', { sid, message_sid: message.sid });
      } else {
        // bob stays in conversations 0 and 1 (the ones he may have open): history from while he was
        // out is not on the stream, so a chat he rejoins is refetched by the supervisor, not merged.
        const keys = ['alice', 'carol', ...(op.withBob || op.conv < 2 ? ['bob'] : [])];
        service.call(CTX, USERS[op.who]!, 'conversation.set', {
          sid,
          name: op.name,
          participant_keys: keys,
        });
      }
    } catch {
      // not a participant: the server refused, nothing happened
    }
    take();
  });
  return {
    events,
    convSids,
    ownNonces,
    snapshotPoints: snapshots.map((s) => s.atEvent),
    snapshotAt(k, openSid) {
      const snap = [...snapshots].reverse().find((s) => s.atEvent === k)!;
      const list = openSid === undefined ? undefined : snap.messages.get(openSid);
      return {
        conversations: snap.rows,
        chat:
          openSid === undefined
            ? undefined
            : { sid: openSid, messages: list ?? [], hasOlder: false },
      };
    },
    // In the island's list order: of rows active in the same second, the server lists the greater sid
    // first (a position that only a new message moves, for paging), the island the latest change.
    finalRows: (service.call(CTX, ME, 'conversation.list', {}) as Row[]).sort(byActivity),
    finalMessages: (sid) =>
      service.call(CTX, ME, 'conversation.list_messages', { sid, limit: 200 }) as ChatMessage[],
  };
}

describe('merge rules', () => {
  it('a snapshot at any point plus the stream from any earlier position yields exactly the server view', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { minLength: 1, maxLength: 25 }),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        fc.nat(3),
        (ops, a, b, c, d, openPick) => {
          const h = runHistory(ops);
          const n = h.events.length;
          const k = h.snapshotPoints[a % h.snapshotPoints.length]!; // snapshot taken after k events
          const j = b % (k + 1); // stream starts at j ≤ k
          const q = j + (c % (n - j + 1)); // events applied before the snapshot lands
          const r = j + (d % (Math.min(k, q) - j + 1)); // buffered while in flight: [r, q)
          const rows = h.finalRows.map((row) => row.sid);
          const openSid =
            openPick < 2 && rows.includes(h.convSids[openPick]!) ? h.convSids[openPick] : undefined;

          let state: ChatState = initialState(ME);
          // What bob wrote in the open chat starts as pending bubbles: the snapshot or the echo confirms
          // them. (Elsewhere the outbox's retry with the same nonce does; tested with the store.)
          state = {
            ...state,
            outbox: h.ownNonces
              .filter((own) => own.sid === openSid)
              .map(({ nonce, sid }) => ({
                nonce,
                conversation_sid: sid,
                content: '',
                created_at: 0,
                state: 'sending' as const,
              })),
          };
          state = openChat(state, openSid);
          for (const event of h.events.slice(j, q)) state = applyEvent(state, event);
          state = applySnapshot(state, h.snapshotAt(k, openSid), h.events.slice(r, q));
          for (const event of h.events.slice(q)) state = applyEvent(state, event);

          expect(rowSlice(state.conversations)).toEqual(h.finalRows);
          expect(state.outbox).toEqual([]);
          if (openSid !== undefined) {
            expect(state.open!.messages).toEqual(h.finalMessages(openSid));
            const nonces = bubblesOf(state).flatMap((bubble) =>
              bubble.nonce ? [bubble.nonce] : [],
            );
            expect(new Set(nonces).size).toBe(nonces.length);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('applying a run of events at once equals applying them one by one', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { minLength: 1, maxLength: 25 }),
        fc.nat(3),
        fc.array(fc.nat(), { maxLength: 4 }),
        (ops, openPick, cuts) => {
          const h = runHistory(ops);
          const openSid = openPick < 2 ? h.convSids[openPick] : undefined;
          const start = applySnapshot(
            openChat(initialState(ME), openSid),
            h.snapshotAt(h.snapshotPoints[0]!, openSid),
          );
          const oneByOne = h.events.reduce(applyEvent, start);
          // The same events in runs cut at arbitrary points.
          const points = [...new Set(cuts.map((c) => c % (h.events.length + 1)))].sort(
            (x, y) => x - y,
          );
          let inRuns = start;
          let from = 0;
          for (const to of [...points, h.events.length]) {
            inRuns = applyEvents(inRuns, h.events.slice(from, to));
            from = to;
          }
          expect(inRuns).toEqual(oneByOne);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('applying a run of events at once equals applying them one by one, with replays and late events', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { minLength: 1, maxLength: 25 }),
        fc.nat(3),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat()), { maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        (ops, openPick, replays, cuts) => {
          const h = runHistory(ops);
          const openSid = openPick < 2 ? h.convSids[openPick] : undefined;
          const start = applySnapshot(
            openChat(initialState(ME), openSid),
            h.snapshotAt(h.snapshotPoints[0]!, openSid),
          );
          // A stretch of events delivered again after later ones (a replay across a reconnect, a late copy).
          const events = [...h.events];
          for (const [at, from, length] of replays) {
            const a = from % (h.events.length + 1);
            events.splice(at % (events.length + 1), 0, ...h.events.slice(a, a + (length % 5)));
          }
          const oneByOne = events.reduce(applyEvent, start);
          const points = [...new Set(cuts.map((c) => c % (events.length + 1)))].sort(
            (x, y) => x - y,
          );
          let inRuns = start;
          let from = 0;
          for (const to of [...points, events.length]) {
            inRuns = applyEvents(inRuns, events.slice(from, to));
            from = to;
          }
          expect(inRuns).toEqual(oneByOne);
        },
      ),
      { numRuns: 300 },
    );
  });

  describe('from a server without seq, nonce, unread_count or conversation.read (the production server as shipped)', () => {
    const bareMessage = ({ seq: _seq, nonce: _nonce, ...m }: ChatMessage): ChatMessage => m;
    /** What such a server has people do: send, read, change who is in a chat (no edits or deletions). */
    const bareOpArb = opArb.filter((op) => op.kind !== 'edit' && op.kind !== 'delete');
    const bareRow = ({ seq: _seq, unread_count: _unread, ...c }: Conversation): Conversation => c;
    const bare = (events: ServerEvent[]): ServerEvent[] =>
      events.flatMap((e): ServerEvent[] => {
        if (e.type === 'chatmessage.new') return [{ type: e.type, data: bareMessage(e.data) }];
        if (e.type === 'conversation.updated') return [{ type: e.type, data: bareRow(e.data) }];
        return [];
      });
    /**
     * What is comparable without seq: the rows but for their unread counts (counted here since the
     * list came), by sid (rows active in the same millisecond are in sid order here, seq order there).
     */
    const comparable = (rows: readonly Conversation[]) =>
      rows
        .map(({ sid, name, participant_keys, last_message, last_message_time }) => ({
          sid,
          name,
          participant_keys,
          last_message,
          last_message_time,
        }))
        .sort((x, y) => (x.sid < y.sid ? -1 : 1));

    it('a snapshot taken after the stream came up, plus the stream, yields the server view: each message once, in order, one bubble per send', () => {
      fc.assert(
        fc.property(
          fc.array(bareOpArb, { minLength: 1, maxLength: 25 }),
          fc.nat(),
          fc.nat(),
          fc.nat(),
          fc.nat(),
          fc.nat(3),
          (ops, a, b, c, d, openPick) => {
            const h = runHistory(ops);
            const events = h.events;
            const n = events.length;
            // No replay: the stream starts at j, and the snapshot the connection asks for is taken after it.
            const j = h.snapshotPoints[a % h.snapshotPoints.length]!;
            const later = h.snapshotPoints.filter((point) => point >= j);
            const k = later[b % later.length]!;
            const q = k + (c % (n - k + 1)); // events applied before the snapshot lands
            const r = j + (d % (k - j + 1)); // buffered while in flight: [r, q)
            const rows = h.finalRows.map((row) => row.sid);
            const openSid =
              openPick < 2 && rows.includes(h.convSids[openPick]!)
                ? h.convSids[openPick]
                : undefined;
            const own = h.ownNonces.filter((o) => o.sid === openSid);

            let state: ChatState = initialState(ME);
            state = {
              ...state,
              outbox: own.map(({ nonce, sid, content }) => ({
                nonce,
                conversation_sid: sid,
                content,
                created_at: 0,
                state: 'sending' as const,
              })),
            };
            state = openChat(state, openSid);
            const snapshot = h.snapshotAt(k, openSid);
            const bareSnapshot: Snapshot = {
              conversations: snapshot.conversations!.map(bareRow),
              chat: snapshot.chat && {
                ...snapshot.chat,
                messages: snapshot.chat.messages.map(bareMessage),
              },
            };
            for (const event of bare(events.slice(j, q))) state = applyEvent(state, event);
            state = applySnapshot(state, bareSnapshot, bare(events.slice(r, q)));
            for (const event of bare(events.slice(q))) state = applyEvent(state, event);
            // Every send's answer comes back in the end: the stored message, without its nonce.
            if (openSid !== undefined) {
              const sent = h.finalMessages(openSid).filter((m) => m.sender_public_key === ME);
              own.forEach((o, i) => (state = sendSucceeded(state, bareMessage(sent[i]!), o.nonce)));
            }

            const list = rowSlice(state.conversations);
            expect(comparable(list)).toEqual(comparable(h.finalRows));
            expect(list.map((row) => row.last_message_time)).toEqual(
              h.finalRows.map((row) => row.last_message_time),
            );
            expect(state.outbox).toEqual([]);
            if (openSid !== undefined) {
              expect(state.open!.messages.map(bareMessage)).toEqual(
                h.finalMessages(openSid).map(bareMessage),
              );
              const keys = bubblesOf(state).map((bubble) => bubble.key);
              expect(new Set(keys).size).toBe(keys.length);
            }
          },
        ),
        { numRuns: 300 },
      );
    });

    it('applying a run of events at once equals applying them one by one, with replays and late copies', () => {
      fc.assert(
        fc.property(
          fc.array(bareOpArb, { minLength: 1, maxLength: 25 }),
          fc.nat(3),
          fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat()), { maxLength: 4 }),
          fc.array(fc.nat(), { maxLength: 4 }),
          (ops, openPick, replays, cuts) => {
            const h = runHistory(ops);
            const openSid = openPick < 2 ? h.convSids[openPick] : undefined;
            const first = h.snapshotAt(h.snapshotPoints[0]!, openSid);
            const start = applySnapshot(openChat(initialState(ME), openSid), {
              conversations: first.conversations!.map(bareRow),
              chat: first.chat && { ...first.chat, messages: first.chat.messages.map(bareMessage) },
            });
            const all = bare(h.events);
            const events = [...all];
            for (const [at, from, length] of replays) {
              const a = from % (all.length + 1);
              events.splice(at % (events.length + 1), 0, ...all.slice(a, a + (length % 5)));
            }
            const oneByOne = events.reduce(applyEvent, start);
            const points = [...new Set(cuts.map((c) => c % (events.length + 1)))].sort(
              (x, y) => x - y,
            );
            let inRuns = start;
            let from = 0;
            for (const to of [...points, events.length]) {
              inRuns = applyEvents(inRuns, events.slice(from, to));
              from = to;
            }
            expect(inRuns).toEqual(oneByOne);
          },
        ),
        { numRuns: 300 },
      );
    });
  });
});
