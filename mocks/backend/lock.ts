import { linkSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'backend.lock';

/** Another live process holds the data directory. */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      `data directory ${dir} is in use by another dev backend (process ${pid}, for example \`npm run dev\`): ` +
        'stop that one, or give this one another --data directory',
    );
  }
}

/**
 * Takes the data directory for this process, so two backends never append to one journal. The lock is
 * a file naming the holder's pid, created whole in one step (written aside, then hard-linked into
 * place). A lock whose process is gone is stale and taken over. Returns the release.
 */
export function lockDataDir(dir: string, pid = process.pid): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  const aside = `${path}.${pid}`;
  try {
    writeFileSync(aside, `${pid}\n`);
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(aside, path);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw error;
      }
      const holder = readHolder(path);
      if (holder !== undefined && isAlive(holder)) throw new DataDirLockedError(dir, holder);
      removeIfHeldBy(path, holder);
    }
  } finally {
    // Also when writing it failed (a full disk): nothing is left behind.
    rmSync(aside, { force: true });
  }
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    removeIfHeldBy(path, pid);
  };
}

function readHolder(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the lock if it still names `pid` (a stale holder, or this process), so a newer holder's stays. */
function removeIfHeldBy(path: string, pid: number | undefined): void {
  if (readHolder(path) !== pid) return;
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
