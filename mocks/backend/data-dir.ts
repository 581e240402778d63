import {
  describeError,
  JournalError,
  loadJournal,
  openJournal,
  type Journal,
  type JournalOptions,
  type JournalRecord,
} from './journal.ts';
import { DataDirLockedError, lockDataDir } from './lock.ts';

/** What was being done to the data directory when it failed. */
export type DataDirStep = 'locked' | 'read' | 'opened' | 'written';

/**
 * The data directory could not be used: a full disk, a folder that cannot be made or written, a
 * corrupt journal. The message says which step failed and why, and nothing else:
 * `the data directory .data could not be locked: ENOSPC: no space left on device, write`.
 */
export class DataDirError extends Error {
  override readonly name = 'DataDirError';
  constructor(
    readonly dir: string,
    readonly step: DataDirStep,
    cause: unknown,
  ) {
    // A journal that refused a write says why in its cause.
    const reason = cause instanceof JournalError && cause.cause !== undefined ? cause.cause : cause;
    super(`the data directory ${dir} could not be ${step}: ${describeError(reason)}`, { cause });
  }
}

/** A data directory in use: its history, its journal to append to, and its lock. */
export interface OpenDataDir {
  history: JournalRecord[];
  journal: Journal;
  /** Closes the journal and unlocks the directory. */
  close(): void;
}

/**
 * Locks `dir`, reads its journal and opens it for appending. Fails with a `DataDirLockedError` when
 * another backend holds it, and a `DataDirError` naming the failed step otherwise; on failure the
 * directory is left unlocked.
 */
export function openDataDir(dir: string, options: JournalOptions = {}): OpenDataDir {
  const release = step(dir, 'locked', () => lockDataDir(dir));
  try {
    const history = step(dir, 'read', () => loadJournal(dir));
    const journal = step(dir, 'opened', () => openJournal(dir, options));
    return {
      history,
      journal,
      close() {
        journal.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

function step<T>(dir: string, name: DataDirStep, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof DataDirLockedError) throw error;
    throw new DataDirError(dir, name, error);
  }
}
