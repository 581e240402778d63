// @vitest-environment node
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { expect, it } from 'vitest';
import { openStream, rpc, tempDir } from '../../support/backend';

/** Runs `command` to its end: its exit code and what it wrote to stderr. */
async function run(command: string, args: string[]): Promise<{ code: number | null; err: string }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, err };
}

/** Whether something accepts a TCP connection on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

it('prints its address when ready and closes open streams on SIGTERM, exiting 0', async () => {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'mocks/backend/cli.ts',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--heartbeat-ms',
      '500',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', () => reject(new Error('backend exited before listening')));
  });
  const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
  expect(match).not.toBeNull();
  const stream = await openStream(match![1]!, { context: 'demo', key: 'alice' });
  await stream.waitFor((f) => f.json.type === 'ready');
  child.kill('SIGTERM');
  await stream.ended;
  expect(await exited).toBe(0);
});

it('closes once and exits 0 when a second signal comes while it closes (Ctrl-C under npm arrives twice)', async () => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'mocks/backend/cli.ts', '--port', '0', '--host', '127.0.0.1', '--no-seed'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<[number | null, string | null]>((resolve) =>
    child.on('exit', (code, signal) => resolve([code, signal])),
  );
  await new Promise((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
  // Signals of one kind that are pending together count once, so it is sent again and again for
  // 300 ms: some arrive while it closes. (Until this process reaps it, its pid stays its own.)
  const until = performance.now() + 300;
  while (performance.now() < until) child.kill('SIGINT');
  expect(await exited).toEqual([0, null]);
});

it('rejects a bad option with a readable message', async () => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'mocks/backend/cli.ts', '--heartbeat-ms', 'soon'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(code).toBe(2);
  expect(err).toContain('--heartbeat-ms must be a whole number');
});

it('speaks the seed shape with --shape seed: no ready, bare keepalives, no mark_read', async () => {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'mocks/backend/cli.ts',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--heartbeat-ms',
      '100',
      '--shape',
      'seed',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = (await lines.next()).value as string;
  const base = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(first)![1]!;
  expect((await lines.next()).value).toMatch(/seed shape/);
  const stream = await openStream(base, { context: 'demo', key: 'alice' });
  await expect.poll(() => stream.text()).toMatch(/^:\n\n/);
  expect(stream.frames).toEqual([]);
  const reply = await rpc(base, { context: 'demo', key: 'alice' }, 'conversation.mark_read', {
    sid: 'any',
  });
  expect(reply.body.error?.code).toBe(-32601);
  child.kill('SIGTERM');
  await stream.ended;
  expect(await exited).toBe(0);
});

it('rejects an unknown --shape by name', async () => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'mocks/backend/cli.ts', '--shape', 'partial'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(code).toBe(2);
  expect(err).toContain('--shape must be full or seed, got "partial"');
});

it('stops listening when `npm run backend` is sent SIGTERM, as a process manager stops it', async () => {
  // As the README runs it. Its own process group, so that whatever it started can be cleaned up
  // below even when this test fails.
  const npm = spawn(
    'npm',
    ['run', 'backend', '--', '--port', '0', '--host', '127.0.0.1', '--no-seed'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  const exited = new Promise<number | null>((resolve) => npm.on('exit', (code) => resolve(code)));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: npm.stdout }).on('line', (line) => {
        const match = /^listening on http:\/\/127\.0\.0\.1:(\d+)$/.exec(line);
        if (match) resolve(Number(match[1]));
      });
      npm.once('exit', () => reject(new Error('npm run backend exited before listening')));
    });
    expect(await listening(port)).toBe(true);
    npm.kill('SIGTERM');
    expect(await exited).toBe(0);
    // Stopped means the port is free again, within a bounded time.
    const deadline = Date.now() + 5000;
    while ((await listening(port)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(await listening(port)).toBe(false);
  } finally {
    try {
      process.kill(-npm.pid!, 'SIGKILL');
    } catch {
      // Nothing of it is left.
    }
  }
});

it('says only what failed when the data directory cannot be made, without the usage text', async () => {
  const tmp = tempDir();
  try {
    // A file where a folder would go: unwritable for anyone, root included.
    writeFileSync(join(tmp.path, 'file'), '');
    const dir = join(tmp.path, 'file', 'data');
    const { code, err } = await run(process.execPath, [
      '--import',
      'tsx',
      'mocks/backend/cli.ts',
      '--port',
      '0',
      '--data',
      dir,
    ]);
    expect(code).toBe(1);
    expect(err).not.toContain('usage');
    expect(err).toBe(
      `could not start: the data directory ${dir} could not be locked: ENOTDIR: not a directory, mkdir '${dir}'\n`,
    );
  } finally {
    tmp.remove();
  }
});

it.skipIf(!existsSync('/dev/full'))(
  'says only what failed when the disk is full, without the usage text',
  async () => {
    const tmp = tempDir();
    try {
      // Its lock is written aside first, to `backend.lock.<pid>`: a link to /dev/full there (the shell's
      // pid is the backend's, since it execs) makes that write fail as on a full disk.
      const script =
        'ln -s /dev/full "$1/backend.lock.$$" && exec "$2" --import tsx mocks/backend/cli.ts --port 0 --data "$1"';
      const { code, err } = await run('sh', ['-c', script, 'sh', tmp.path, process.execPath]);
      expect(code).toBe(1);
      expect(err).toBe(
        `could not start: the data directory ${tmp.path} could not be locked: ENOSPC: no space left on device, write\n`,
      );
    } finally {
      tmp.remove();
    }
  },
);
