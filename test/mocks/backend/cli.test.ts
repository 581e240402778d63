// @vitest-environment node
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { expect, it } from 'vitest';
import { openStream, rpc } from '../../support/backend';

it('prints its address when ready and closes open streams on SIGTERM, exiting 0', async () => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'mocks/backend/cli.ts', '--port', '0', '--host', '127.0.0.1', '--heartbeat-ms', '500'],
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

it('rejects a bad option with a readable message', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'mocks/backend/cli.ts', '--heartbeat-ms', 'soon'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(code).toBe(2);
  expect(err).toContain('--heartbeat-ms must be a whole number');
});

it('speaks the seed shape with --shape seed: no ready, bare keepalives, no mark_read', async () => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'mocks/backend/cli.ts', '--port', '0', '--host', '127.0.0.1', '--heartbeat-ms', '100', '--shape', 'seed'],
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
  const reply = await rpc(base, { context: 'demo', key: 'alice' }, 'conversation.mark_read', { sid: 'any' });
  expect(reply.body.error?.code).toBe(-32601);
  child.kill('SIGTERM');
  await stream.ended;
  expect(await exited).toBe(0);
});

it('rejects an unknown --shape by name', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'mocks/backend/cli.ts', '--shape', 'partial'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(code).toBe(2);
  expect(err).toContain('--shape must be full or seed, got "partial"');
});
