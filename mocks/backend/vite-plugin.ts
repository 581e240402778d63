import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'vite';
import { SERVICE_PATH } from '../../src/protocol/index.ts';
import { createBackend, type Backend, type BackendOptions } from './handler.ts';
import { DataDirLockedError } from './lock.ts';

interface MountableServer {
  middlewares: {
    use(fn: (req: IncomingMessage, res: ServerResponse, next: () => void) => void): void;
  };
  httpServer?: { once(e: 'close', f: () => void): unknown } | null;
  config: {
    server: { allowedHosts?: string[] | true };
    preview?: { allowedHosts?: string[] | true };
    logger: { info(message: string): void };
  };
}

/**
 * Serves the dev backend under `/hero_osis_communication/*` on the Vite dev (and preview) server,
 * so `npm run dev` is the app and its backend on one origin. Host names Vite allows (`allowedHosts`)
 * are allowed by the backend too. `shape: 'seed'` (`npm run dev:seed`) speaks only what the production
 * server ships.
 */
export function heroBackend(options: BackendOptions = {}): Plugin {
  const mount = (server: MountableServer, allowedHosts: string[] | true | undefined) => {
    const own = options.allowHosts ?? [];
    const settings: BackendOptions = {
      ...options,
      allowHosts: own === true || allowedHosts === true ? true : [...own, ...(allowedHosts ?? [])],
    };
    let backend: Backend | undefined;
    let closed = false;
    const open = (): Backend | undefined => {
      try {
        backend ??= createBackend(settings);
      } catch (error) {
        // A restart of Vite builds the new server before it closes the old one, whose backend still
        // holds the data directory in this process: take it over on the first request after.
        if (!(error instanceof DataDirLockedError && error.pid === process.pid)) throw error;
      }
      return backend;
    };
    open();
    if (options.shape === 'seed')
      server.config.logger.info(
        `  dev backend: seed shape (only what the production server ships)`,
      );
    server.middlewares.use((req, res, next) => {
      if (!req.url?.startsWith(`${SERVICE_PATH}/`)) return next();
      const current = closed ? undefined : open();
      if (current) return current.handle(req, res, next);
      res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '1' });
      res.end(JSON.stringify({ error: 'the dev backend is restarting' }));
    });
    server.httpServer?.once('close', () => {
      closed = true;
      backend?.close();
    });
  };
  return {
    name: 'hero-messaging-dev-backend',
    configureServer: (server) =>
      mount(server as unknown as MountableServer, server.config.server.allowedHosts),
    configurePreviewServer: (server) =>
      mount(server as unknown as MountableServer, server.config.preview.allowedHosts),
  };
}
