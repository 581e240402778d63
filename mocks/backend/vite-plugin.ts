import type { Plugin } from 'vite';
import { createBackend, type Backend, type BackendOptions } from './handler.ts';

/**
 * Serves the dev backend under `/hero_osis_communication/*` on the Vite dev (and preview) server,
 * so `npm run dev` is the app and its backend on one origin.
 */
export function heroBackend(options: BackendOptions = {}): Plugin {
  let backend: Backend | undefined;
  const mount = (server: { middlewares: { use(fn: Backend['handle']): void }; httpServer?: { once(e: 'close', f: () => void): unknown } | null }) => {
    backend ??= createBackend(options);
    const current = backend;
    server.middlewares.use((req, res, next) => current.handle(req, res, next));
    server.httpServer?.once('close', () => {
      current.close();
      if (backend === current) backend = undefined;
    });
  };
  return {
    name: 'hero-messaging-dev-backend',
    configureServer: mount,
    configurePreviewServer: mount,
  };
}
