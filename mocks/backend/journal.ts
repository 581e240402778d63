import { appendFileSync, closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatMessage } from '../../src/protocol/index.ts';
import type { ConversationRecord, ReadMark } from './world.ts';

/** One accepted change, as a line of the append-only journal. */
export type JournalRecord =
  | { t: 'conversation'; ctx: string; conversation: ConversationRecord }
  | { t: 'message'; ctx: string; message: ChatMessage }
  | { t: 'read'; ctx: string; sid: string; key: string; mark: ReadMark };

export interface Journal {
  /** Appends records and makes them durable before returning. */
  append(records: readonly JournalRecord[]): void;
  close(): void;
}

export const JOURNAL_FILE = 'journal.jsonl';

/**
 * Reads the journal in `dir`. A torn last line (a crash mid-write) is dropped and cut off the file,
 * so the next append starts on a clean line; a bad line anywhere else is an error naming it.
 */
export function loadJournal(dir: string): JournalRecord[] {
  const path = join(dir, JOURNAL_FILE);
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  const records: JournalRecord[] = [];
  let offset = 0;
  let lineNo = 0;
  while (offset < text.length) {
    lineNo++;
    const nl = text.indexOf('\n', offset);
    const line = text.slice(offset, nl === -1 ? text.length : nl);
    const next = nl === -1 ? text.length : nl + 1;
    if (line.trim() !== '') {
      const record = parseRecord(line);
      if (!record) {
        if (next < text.length) throw new Error(`${path}:${lineNo}: corrupt journal line`);
        truncateTo(path, Buffer.byteLength(text.slice(0, offset)));
        break;
      }
      records.push(record);
      if (nl === -1) appendFileSync(path, '\n');
    }
    offset = next;
  }
  return records;
}

export function openJournal(dir: string, options: { fsync?: boolean } = {}): Journal {
  mkdirSync(dir, { recursive: true });
  const fd = openSync(join(dir, JOURNAL_FILE), 'a');
  const sync = options.fsync ?? true;
  return {
    append(records) {
      if (records.length === 0) return;
      writeSync(fd, records.map((r) => JSON.stringify(r) + '\n').join(''));
      if (sync) fsyncSync(fd);
    },
    close() {
      closeSync(fd);
    },
  };
}

function parseRecord(line: string): JournalRecord | undefined {
  try {
    const value = JSON.parse(line) as JournalRecord;
    return value && typeof value === 'object' && typeof value.t === 'string' && typeof value.ctx === 'string'
      ? value
      : undefined;
  } catch {
    return undefined;
  }
}

function truncateTo(path: string, bytes: number): void {
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, bytes);
  } finally {
    closeSync(fd);
  }
}
