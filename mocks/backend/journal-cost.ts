/**
 * What a durable acknowledgement costs: sends per second through the service with the journal
 * fsynced after each append, not fsynced, and in memory only. Run: `npx tsx mocks/backend/journal-cost.ts [sends]`.
 * The data directory is a fresh folder under the system's temp dir (`TMPDIR` picks the disk).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FullConversation as Conversation } from '../../src/protocol/index.ts';
import { openJournal } from './journal.ts';
import { CommunicationService } from './service.ts';

function measure(label: string, sends: number, fsync: boolean | 'memory'): void {
  const dir = mkdtempSync(join(tmpdir(), 'hero-journal-cost-'));
  const journal = fsync === 'memory' ? undefined : openJournal(dir, { fsync });
  try {
    const service = new CommunicationService({ logSize: 10_000, journal });
    const conv = service.call('cost', 'alice', 'conversation.set', {
      participant_keys: ['alice', 'bob'],
    }) as Conversation;
    const content =
      'A message of a typical length, about a hundred characters long, give or take a few words.';
    const start = process.hrtime.bigint();
    for (let i = 0; i < sends; i++) {
      service.call('cost', 'alice', 'conversation.send_message', {
        sid: conv.sid,
        content,
        nonce: `n${i}`,
      });
    }
    const micros = Number(process.hrtime.bigint() - start) / 1000 / sends;
    console.log(
      `${label.padEnd(18)} ${micros.toFixed(1).padStart(8)} µs per send (${sends} sends)`,
    );
  } finally {
    journal?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const sends = Number(process.argv[2] ?? 2000);
measure('memory only', sends, 'memory');
measure('journal, no fsync', sends, false);
measure('journal + fsync', sends, true);
