// @vitest-environment node
import { spawn, spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SERVICE_PATH } from '../../../src/protocol/index.ts';
import { createBackend, DataDirLockedError, heroBackend } from '../../../mocks/backend/index.ts';
import { call, tempDir, withBackend } from '../../support/backend.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function dataDir() {
  const dir = tempDir();
  cleanups.push(dir.remove);
  return dir.path;
}

describe('dev backend data directory lock', () => {
  it('a second backend process on the same directory exits with a clear message', async () => {
    const dir = dataDir();
    const first = await withBackend({ dataDir: dir, fsync: false });
    cleanups.push(() => first.close());
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'mocks/backend/cli.ts', '--port', '0', '--data', dir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(err).toContain(
      `could not start: data directory ${dir} is in use by another dev backend (process ${process.pid}`,
    );
    expect(err).not.toContain('usage:');
    // The first one goes on serving.
    expect(
      await call(first.url, { context: 'demo', key: 'alice' }, 'contact.list', {}),
    ).toHaveLength(4);
  });

  it('refuses a second backend in the same process until the first closes', () => {
    const dir = dataDir();
    const first = createBackend({ dataDir: dir, fsync: false, seed: false });
    expect(() => createBackend({ dataDir: dir, fsync: false, seed: false })).toThrow(
      DataDirLockedError,
    );
    first.close();
    expect(existsSync(join(dir, 'backend.lock'))).toBe(false);
    createBackend({ dataDir: dir, fsync: false, seed: false }).close();
  });

  it('takes over a lock left by a process that is gone', () => {
    const dir = dataDir();
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    writeFileSync(join(dir, 'backend.lock'), `${gone.stdout}\n`);
    const backend = createBackend({ dataDir: dir, fsync: false, seed: false });
    backend.close();
    writeFileSync(join(dir, 'backend.lock'), 'not a pid\n');
    createBackend({ dataDir: dir, fsync: false, seed: false }).close();
  });

  it('the Vite plugin hands the directory over on a restart: the new server answers once the old one closed', async () => {
    const dir = dataDir();
    const mount = () => {
      const middlewares: ((req: IncomingMessage, res: ServerResponse, next: () => void) => void)[] =
        [];
      const httpServer = new EventEmitter();
      const plugin = heroBackend({ dataDir: dir, fsync: false, seed: true });
      const hook = plugin.configureServer as (server: unknown) => void;
      hook({
        middlewares: { use: (fn: (typeof middlewares)[number]) => middlewares.push(fn) },
        httpServer,
        config: { server: { allowedHosts: [] } },
      });
      return { handle: middlewares[0]!, close: () => httpServer.emit('close') };
    };
    const old = mount();
    const fresh = mount();
    const http = createServer((req, res) => fresh.handle(req, res, () => res.writeHead(404).end()));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => http.close(resolve)));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const before = await fetch(`${url}${SERVICE_PATH}/health`);
    expect(before.status).toBe(503);
    expect(await before.json()).toEqual({ error: 'the dev backend is restarting' });
    expect((await fetch(`${url}/index.html`)).status).toBe(404);
    old.close();
    expect(await call(url, { context: 'demo', key: 'alice' }, 'contact.list', {})).toHaveLength(4);
    fresh.close();
  });
});
