import type { Result } from './result.ts';

/** A stream position: `<epoch>:<seq>` (see README.md). */
export interface Cursor {
  epoch: string;
  seq: number;
}

const CURSOR = /^([A-Za-z0-9_-]{1,64}):(0|[1-9][0-9]{0,15})$/;

export function formatCursor(cursor: Cursor): string {
  return `${cursor.epoch}:${cursor.seq}`;
}

/** Parses `<epoch>:<seq>`; never throws, whatever the input. */
export function parseCursor(text: unknown): Result<Cursor> {
  if (typeof text !== 'string') return { ok: false, error: 'cursor is not a string' };
  const match = CURSOR.exec(text);
  const seq = match ? Number(match[2]) : NaN;
  if (!match || !Number.isSafeInteger(seq)) {
    return {
      ok: false,
      error: `malformed cursor ${JSON.stringify(text.slice(0, 80))}: expected <epoch>:<seq>`,
    };
  }
  return { ok: true, value: { epoch: match[1]!, seq } };
}
