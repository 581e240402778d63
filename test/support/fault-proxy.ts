import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A TCP proxy between a client and the backend that can cut, stall and refuse connections. */
export interface FaultProxy {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  /** Destroys every open connection, both ways. */
  cutAll(): void;
  /** Holds bytes from the backend (connections stay open, nothing is delivered) until `resume()`. */
  stall(): void;
  /** Delivers held bytes and lets traffic flow again. */
  resume(): void;
  /** Refuses (resets) new connections, and cuts open ones, until `accept()`. */
  refuse(): void;
  accept(): void;
  readonly openConnections: number;
  close(): Promise<void>;
}

export async function startFaultProxy(target: {
  host?: string;
  port: number;
}): Promise<FaultProxy> {
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  let stalled = false;
  let refusing = false;
  const held: { client: Socket; chunk: Buffer }[] = [];

  const server: Server = createServer((client) => {
    if (refusing) return void client.resetAndDestroy();
    const upstream = connect(target.port, target.host ?? '127.0.0.1');
    const pair = { client, upstream };
    pairs.add(pair);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => {
      if (stalled) held.push({ client, chunk });
      else client.write(chunk);
    });
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const cutAll = () => {
    for (const { client, upstream } of pairs) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
    held.length = 0;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    cutAll,
    stall: () => {
      stalled = true;
    },
    resume: () => {
      stalled = false;
      for (const { client, chunk } of held.splice(0)) if (!client.destroyed) client.write(chunk);
    },
    refuse: () => {
      refusing = true;
      cutAll();
    },
    accept: () => {
      refusing = false;
    },
    get openConnections() {
      return pairs.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        cutAll();
        server.close(() => resolve());
      }),
  };
}
