import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

export interface StaticServerOptions {
  /** Extra response headers for a request (a host page's Content-Security-Policy, say). Default none. */
  headers?: (url: URL) => Record<string, string>;
  /** Files served from outside `root`, by URL path (`{ '/before/hero-messaging.js': '/abs/file.js' }`). Default none. */
  files?: Record<string, string>;
}

/** Serves files under `root` on an ephemeral loopback port: the host pages and the built bundle. */
export async function startStaticServer(
  root: string,
  options: StaticServerOptions = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = normalize(decodeURIComponent(url.pathname));
    const named = options.files?.[url.pathname];
    const file = named ?? join(root, path);
    if (named === undefined && !file.startsWith(root)) return void res.writeHead(403).end();
    try {
      if (!statSync(file).isFile()) throw new Error('not a file');
    } catch {
      return void res.writeHead(404).end('not found');
    }
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': 'no-store',
      ...options.headers?.(url),
    });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
