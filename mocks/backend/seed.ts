import type { FullChatMessage as ChatMessage } from '../../src/protocol/index.ts';
import type { JournalRecord } from './journal.ts';
import type { CommunicationService } from './service.ts';

export const DEMO_CONTEXT = 'demo';

interface SeedConversation {
  sid: string;
  name: string;
  participant_keys: string[];
  /** [sender, content, minutes ago] */
  history: [string, string, number][];
}

const DEMO: SeedConversation[] = [
  {
    sid: 'conv_demo_alice_bob',
    name: '',
    participant_keys: ['alice', 'bob'],
    history: [
      ['alice', 'Hi Bob! Did you get the notes from yesterday?', 26 * 60],
      ['bob', 'Yes, thanks. I will go through them tonight.', 25 * 60],
      ['alice', 'Great. Ping me when you are done.', 90],
      ['bob', 'Will do 👍', 85],
    ],
  },
  {
    sid: 'conv_demo_weekend',
    name: 'Weekend trip',
    participant_keys: ['alice', 'bob', 'carol', 'dave'],
    history: [
      ['carol', 'Who is in for the lake on Saturday?', 300],
      ['dave', 'Me! I can drive.', 280],
      ['alice', 'Count me in. I will bring sandwiches.', 240],
      ['carol', 'Perfect, leaving at 9.', 60],
    ],
  },
  {
    sid: 'conv_demo_alice_carol',
    name: '',
    participant_keys: ['alice', 'carol'],
    history: [['carol', 'Lunch tomorrow?', 30 * 60]],
  },
];

/** Seeds the `demo` context with a DM, a group and history, once: a restored world is left alone. */
export function seedDemo(service: CommunicationService, now = Date.now()): void {
  if (service.hasContext(DEMO_CONTEXT)) return;
  const records: JournalRecord[] = [];
  for (const conv of DEMO) {
    const oldest = Math.max(...conv.history.map(([, , ago]) => ago)) + 5;
    records.push({
      t: 'conversation',
      ctx: DEMO_CONTEXT,
      conversation: {
        sid: conv.sid,
        name: conv.name,
        participant_keys: conv.participant_keys,
        created_at: Math.floor((now - oldest * 60_000) / 1000),
        seq: service.log.nextSeq(),
      },
    });
    conv.history.forEach(([sender, content, ago], i) => {
      const message: ChatMessage = {
        sid: `msg_${conv.sid}_${i}`,
        conversation_sid: conv.sid,
        sender_public_key: sender,
        content,
        created_at: Math.floor((now - ago * 60_000) / 1000),
        seq: service.log.nextSeq(),
      };
      records.push({ t: 'message', ctx: DEMO_CONTEXT, message });
    });
    // Everyone has read all but the newest message, so the demo opens with one unread here and there,
    // and says so (a receipt) where someone else wrote what they read.
    const upto = service.log.lastSeq - 1;
    const read = records.at(-2)!;
    for (const key of conv.participant_keys) {
      records.push({
        t: 'read',
        ctx: DEMO_CONTEXT,
        sid: conv.sid,
        key,
        mark: { upto, seq: service.log.nextSeq() },
      });
      if (read.t !== 'message' || !conv.history.slice(0, -1).some(([sender]) => sender !== key))
        continue;
      const receipt = {
        reader_key: key,
        message_sid: read.message.sid,
        message_seq: read.message.seq,
        read_at: read.message.created_at,
      };
      records.push({
        t: 'receipt',
        ctx: DEMO_CONTEXT,
        sid: conv.sid,
        mark: { receipt, seq: service.log.nextSeq() },
      });
    }
  }
  service.importHistory(records);
}
