import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBackend, type Backend, type BackendOptions } from './handler.ts';

export interface ServerOptions extends BackendOptions {
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface RunningBackend {
  /** e.g. `http://127.0.0.1:40123`: the `osis-url` to point clients at. */
  url: string;
  port: number;
  backend: Backend;
  server: Server;
  /** Ends open streams, stops listening and closes the journal. */
  close(): Promise<void>;
}

/** Starts the dev backend as a standalone HTTP server (also what tests use, on an ephemeral port). */
export async function startBackendServer(options: ServerOptions = {}): Promise<RunningBackend> {
  const host = options.host ?? '127.0.0.1';
  const listenName = host.includes(':') ? `[${host}]` : host;
  const backend = createBackend({
    ...options,
    allowHosts: options.allowHosts === true ? true : [...(options.allowHosts ?? []), listenName],
  });
  const server = createServer((req, res) => backend.handle(req, res));
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => {
      backend.close();
      reject(error);
    });
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${listenName}:${port}`,
    port,
    backend,
    server,
    close() {
      closing ??= new Promise<void>((resolve) => {
        backend.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
