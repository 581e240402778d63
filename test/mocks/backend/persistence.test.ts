// @vitest-environment node
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCursor, type ChatMessage, type Conversation } from '../../../src/protocol';
import { createBackend } from '../../../mocks/backend';
import { call, freshContext, openStream, tempDir, withBackend } from '../../support/backend';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function dataDir() {
  const dir = tempDir();
  cleanups.push(dir.remove);
  return dir.path;
}

async function start(dir: string) {
  const server = await withBackend({ dataDir: dir, fsync: false });
  cleanups.push(() => server.close());
  return server;
}

describe('dev backend persistence', () => {
  it('keeps every message across a restart, under a new epoch, with seq going on upward', async () => {
    const dir = dataDir();
    const context = freshContext();
    const first = await start(dir);
    const conv = await call<Conversation>(
      first.url,
      { context, key: 'alice' },
      'conversation.set',
      {
        participant_keys: ['alice', 'bob'],
      },
    );
    const sent: ChatMessage[] = [];
    for (let i = 0; i < 5; i++) {
      sent.push(
        await call(first.url, { context, key: 'alice' }, 'conversation.send_message', {
          sid: conv.sid,
          content: `m${i}`,
          nonce: `n${i}`,
        }),
      );
    }
    await call(first.url, { context, key: 'bob' }, 'conversation.mark_read', { sid: conv.sid });
    const stream = await openStream(first.url, { context, key: 'bob' });
    const oldCursor = (await stream.waitFor((f) => f.json.type === 'ready')).json.data
      .cursor as string;
    const oldEpoch = first.backend.stats().epoch;
    await first.close();
    await stream.ended;

    const second = await start(dir);
    expect(second.backend.stats().epoch).not.toBe(oldEpoch);
    const messages = await call<ChatMessage[]>(
      second.url,
      { context, key: 'bob' },
      'conversation.list_messages',
      { sid: conv.sid },
    );
    expect(messages).toEqual(sent);
    const [bobView] = await call<Conversation[]>(
      second.url,
      { context, key: 'bob' },
      'conversation.list',
      {},
    );
    expect(bobView!.unread_count).toBe(0);
    const again = await call<ChatMessage>(
      second.url,
      { context, key: 'alice' },
      'conversation.send_message',
      {
        sid: conv.sid,
        content: 'after restart',
        nonce: 'n-after',
      },
    );
    expect(again.seq).toBeGreaterThan(
      parseCursor(oldCursor).ok ? Number(oldCursor.split(':')[1]) : Infinity,
    );
    const resumed = await openStream(second.url, { context, key: 'bob' }, oldCursor);
    cleanups.push(resumed.close);
    const resync = await resumed.waitFor((f) => f.json.type === 'resync');
    expect(resumed.frames.indexOf(resync)).toBe(1);
    // The nonce index survives too: a retry from before the restart is not stored twice.
    const retry = await call<ChatMessage>(
      second.url,
      { context, key: 'alice' },
      'conversation.send_message',
      {
        sid: conv.sid,
        content: 'm0',
        nonce: 'n0',
      },
    );
    expect(retry.sid).toBe(sent[0]!.sid);
  });

  it('loads a journal whose last line was torn by a crash, and appends after it cleanly', async () => {
    const dir = dataDir();
    const context = freshContext();
    const first = await start(dir);
    const conv = await call<Conversation>(
      first.url,
      { context, key: 'alice' },
      'conversation.set',
      {
        participant_keys: ['alice', 'bob'],
      },
    );
    await call(first.url, { context, key: 'alice' }, 'conversation.send_message', {
      sid: conv.sid,
      content: 'kept',
      nonce: 'k',
    });
    await first.close();
    appendFileSync(
      join(dir, 'journal.jsonl'),
      '{"t":"message","ctx":"' + context + '","message":{"sid":"torn',
    );

    const second = await start(dir);
    await call(second.url, { context, key: 'alice' }, 'conversation.send_message', {
      sid: conv.sid,
      content: 'next',
      nonce: 'x',
    });
    await second.close();
    const third = await start(dir);
    const messages = await call<ChatMessage[]>(
      third.url,
      { context, key: 'alice' },
      'conversation.list_messages',
      { sid: conv.sid },
    );
    expect(messages.map((m) => m.content)).toEqual(['kept', 'next']);
  });

  it('refuses to start on a journal corrupt in the middle, naming the line', () => {
    const dir = dataDir();
    writeFileSync(
      join(dir, 'journal.jsonl'),
      '{"t":"read","ctx":"c","sid":"s","key":"k","mark":{"upto":0,"seq":1}}\nnot json\n{}\n',
    );
    expect(() => createBackend({ dataDir: dir, seed: false })).toThrow(/journal\.jsonl:2/);
    expect(readFileSync(join(dir, 'journal.jsonl'), 'utf8')).toContain('not json');
  });
});
