import {
  appendFileSync,
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { FullChatMessage as ChatMessage } from '../../src/protocol/index.ts';
import type { ConversationRecord, ReadMark, ReceiptMark } from './world.ts';

/** One accepted change, as a line of the append-only journal. */
export type JournalRecord =
  | { t: 'conversation'; ctx: string; conversation: ConversationRecord }
  | { t: 'message'; ctx: string; message: ChatMessage }
  /** A message edited or deleted: the whole message as it is now. */
  | { t: 'update'; ctx: string; message: ChatMessage }
  | { t: 'read'; ctx: string; sid: string; key: string; mark: ReadMark }
  | { t: 'receipt'; ctx: string; sid: string; mark: ReceiptMark };

export interface Journal {
  /**
   * Appends records, whole or not at all: when it returns, every byte is written (and, with fsync,
   * on disk). When it throws a `JournalError`, the journal holds none of them.
   */
  append(records: readonly JournalRecord[]): void;
  close(): void;
}

/** The file operations the journal makes: injected so that tests can fill the disk or cut writes short. */
export interface JournalIo {
  /** Writes up to `length` bytes of `buffer` from `offset`; returns how many it wrote (may be fewer). */
  write(fd: number, buffer: Buffer, offset: number, length: number): number;
  fsync(fd: number): void;
  truncate(fd: number, length: number): void;
}

export const NODE_JOURNAL_IO: JournalIo = {
  write: (fd, buffer, offset, length) => writeSync(fd, buffer, offset, length),
  fsync: fsyncSync,
  truncate: ftruncateSync,
};

/** A change the journal could not store; nothing of it is in the journal. */
export class JournalError extends Error {
  override readonly name = 'JournalError';
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

export interface JournalOptions {
  /** fsync after each append, so an acknowledged change survives a power cut too. Default true. */
  fsync?: boolean;
  /** Default: the real file system. */
  io?: JournalIo;
}

/**
 * Opens the journal in `dir` for appending. A write that fails or stops short (a full disk) is cut off
 * again, so the file never holds a fragment that a later append would glue onto; if even the cut
 * fails, the next append retries it before writing anything.
 */
export function openJournal(dir: string, options: JournalOptions = {}): Journal {
  mkdirSync(dir, { recursive: true });
  const fd = openSync(join(dir, JOURNAL_FILE), 'a');
  const sync = options.fsync ?? true;
  const io = options.io ?? NODE_JOURNAL_IO;
  /** Bytes of whole records in the file. */
  let size = fstatSync(fd).size;
  /** Bytes past `size` may be on disk: cut them before the next append. */
  let torn = false;
  return {
    append(records) {
      if (records.length === 0) return;
      const bytes = Buffer.from(records.map((r) => JSON.stringify(r) + '\n').join(''));
      try {
        if (torn) {
          io.truncate(fd, size);
          torn = false;
        }
        let done = 0;
        while (done < bytes.length) {
          const n = io.write(fd, bytes, done, bytes.length - done);
          if (n <= 0) throw new Error('the file system accepted no bytes');
          done += n;
        }
        if (sync) io.fsync(fd);
      } catch (error) {
        torn = true;
        try {
          io.truncate(fd, size);
          torn = false;
        } catch {
          // Still torn: the next append cuts the fragment first, and a restart drops a torn tail.
        }
        throw new JournalError(`the journal could not be written (${describeError(error)})`, {
          cause: error,
        });
      }
      size += bytes.length;
    },
    close() {
      closeSync(fd);
    },
  };
}

/** An error as one line, led by its code (`ENOSPC: no space left on device, write`). */
export function describeError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && !message.startsWith(code) ? `${code}: ${message}` : message;
}

function parseRecord(line: string): JournalRecord | undefined {
  try {
    const value = JSON.parse(line) as JournalRecord;
    return value &&
      typeof value === 'object' &&
      typeof value.t === 'string' &&
      typeof value.ctx === 'string'
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
