// @vitest-environment node
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RpcErrorCode, type ChatMessage, type Conversation } from '../../../src/protocol/index.ts';
import { createBackend, DataDirError } from '../../../mocks/backend/index.ts';
import { NODE_JOURNAL_IO, type JournalIo } from '../../../mocks/backend/journal.ts';
import { call, freshContext, rpc, tempDir, withBackend } from '../../support/backend.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/**
 * The real file system behind a disk of `free` bytes that writes at most `chunk` bytes per call (a
 * short write), fails with ENOSPC when full, and can be told to fail its next truncation too.
 */
function smallDisk(free: number, chunk: number) {
  const disk = {
    free,
    failTruncate: 0,
    shortWrites: 0,
    io: {
      write(fd, buffer, offset, length) {
        if (disk.free === 0)
          throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
        const n = Math.min(length, chunk, disk.free);
        if (n < length) disk.shortWrites++;
        const written = NODE_JOURNAL_IO.write(fd, buffer, offset, n);
        disk.free -= written;
        return written;
      },
      fsync: NODE_JOURNAL_IO.fsync,
      truncate(fd, length) {
        if (disk.failTruncate > 0) {
          disk.failTruncate--;
          throw Object.assign(new Error('input/output error'), { code: 'EIO' });
        }
        disk.free += statSyncFd(fd) - length;
        NODE_JOURNAL_IO.truncate(fd, length);
      },
    } satisfies JournalIo,
  };
  return disk;
}

let journalPath = '';
const statSyncFd = (_fd: number) => statSync(journalPath).size;

describe('dev backend journal on a failing disk', () => {
  it('acknowledges only what is whole in the journal, answers an error otherwise, and always starts again', async () => {
    const dir = tempDir();
    cleanups.push(dir.remove);
    journalPath = join(dir.path, 'journal.jsonl');
    const context = freshContext();
    const disk = smallDisk(6_000, 97);
    const first = await withBackend({ dataDir: dir.path, fsync: false, journalIo: disk.io });
    cleanups.push(() => first.close());
    const conv = await call<Conversation>(
      first.url,
      { context, key: 'alice' },
      'conversation.set',
      {
        participant_keys: ['alice', 'bob'],
      },
    );

    const acknowledged: ChatMessage[] = [];
    const refused: string[] = [];
    let n = 0;
    const send = async (content: string) => {
      const reply = await rpc(first.url, { context, key: 'alice' }, 'conversation.send_message', {
        sid: conv.sid,
        content,
        nonce: `n${n++}`,
      });
      if (reply.body.error) {
        expect(reply.body.error.code).toBe(RpcErrorCode.InternalError);
        expect(reply.body.error.message).toMatch(/not stored: .*ENOSPC/);
        refused.push(content);
      } else acknowledged.push(reply.body.result as ChatMessage);
    };
    for (let i = 0; i < 30; i++) await send(`before ${i} ${'x'.repeat(i * 7)}`);
    expect(refused.length).toBeGreaterThan(0);
    expect(disk.shortWrites).toBeGreaterThan(0);
    // Nothing refused is visible, and the journal ends on a whole line.
    const listed = await call<ChatMessage[]>(
      first.url,
      { context, key: 'bob' },
      'conversation.list_messages',
      { sid: conv.sid },
    );
    expect(listed).toEqual(acknowledged);
    expect(readFileSync(journalPath, 'utf8').endsWith('\n')).toBe(true);

    // Space comes back, but the first cut after the next failure fails too: the append after it repairs.
    disk.free = 0;
    disk.failTruncate = 1;
    await send('refused while the cut fails');
    disk.free = 1_000_000;
    for (let i = 0; i < 5; i++) await send(`after ${i}`);
    expect(refused.at(-1)).toBe('refused while the cut fails');
    expect(acknowledged.at(-1)!.content).toBe('after 4');
    await first.close();

    const second = await withBackend({ dataDir: dir.path, fsync: false });
    cleanups.push(() => second.close());
    const restored = await call<ChatMessage[]>(
      second.url,
      { context, key: 'bob' },
      'conversation.list_messages',
      {
        sid: conv.sid,
        limit: 200,
      },
    );
    expect(restored).toEqual(acknowledged);
    await call(second.url, { context, key: 'bob' }, 'conversation.send_message', {
      sid: conv.sid,
      content: 'and on',
      nonce: 'on',
    });
    await second.close();
    const third = await withBackend({ dataDir: dir.path, fsync: false });
    cleanups.push(() => third.close());
    const last = await call<ChatMessage[]>(
      third.url,
      { context, key: 'bob' },
      'conversation.list_messages',
      { sid: conv.sid, limit: 1 },
    );
    expect(last.map((m) => m.content)).toEqual(['and on']);
  });

  it('refuses a start whose seed the full disk cannot hold with what failed, keeping nothing and leaving the folder free', async () => {
    const dir = tempDir();
    cleanups.push(dir.remove);
    journalPath = join(dir.path, 'journal.jsonl');
    const disk = smallDisk(300, 97);
    let failure: unknown;
    try {
      createBackend({ dataDir: dir.path, fsync: false, journalIo: disk.io }).close();
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(DataDirError);
    expect((failure as Error).message).toBe(
      `the data directory ${dir.path} could not be written: ENOSPC: no space left on device`,
    );
    expect(readFileSync(journalPath, 'utf8')).toBe('');
    // With room, the next start takes the folder and seeds it.
    const next = await withBackend({ dataDir: dir.path, fsync: false, seed: true });
    cleanups.push(() => next.close());
    expect(
      await call(next.url, { context: 'demo', key: 'alice' }, 'conversation.list', {}),
    ).toHaveLength(3);
  });
});
