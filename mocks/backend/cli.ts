import { parseArgs } from 'node:util';
import { DataDirLockedError } from './lock.ts';
import { startBackendServer } from './server.ts';
import { parseShape } from './shape.ts';

const USAGE = `usage: npm run backend -- [--port 8787] [--host 127.0.0.1] [--data DIR] [--heartbeat-ms N]
       [--log-size N] [--log-bytes N] [--backlog-bytes N] [--allow-origin ORIGIN ...] [--allow-host NAME ...] [--no-seed]
       [--shape full|seed]   seed: only what the production server speaks (no replay, ready, seq, nonce,
                             unread counts, read markers or receipts)`;

function positiveInt(name: string, text: string | undefined, fallback?: number): number | undefined {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < (name === 'port' ? 0 : 1)) {
    throw new Error(`--${name} must be a whole number${name === 'port' ? '' : ' above 0'}, got ${JSON.stringify(text)}`);
  }
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      'heartbeat-ms': { type: 'string' },
      'log-size': { type: 'string' },
      'log-bytes': { type: 'string' },
      'backlog-bytes': { type: 'string' },
      'allow-origin': { type: 'string', multiple: true },
      'allow-host': { type: 'string', multiple: true },
      'no-seed': { type: 'boolean' },
      shape: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const running = await startBackendServer({
    port: positiveInt('port', values.port, 8787),
    host: values.host ?? '127.0.0.1',
    dataDir: values.data,
    heartbeatMs: positiveInt('heartbeat-ms', values['heartbeat-ms']),
    logSize: positiveInt('log-size', values['log-size']),
    logBytes: positiveInt('log-bytes', values['log-bytes']),
    backlogBytes: positiveInt('backlog-bytes', values['backlog-bytes']),
    allowOrigins: values['allow-origin'],
    allowHosts: values['allow-host'],
    seed: !values['no-seed'],
    shape: parseShape(values.shape, '--shape'),
  });
  // Ctrl-C under `npm run` arrives twice, from the terminal and forwarded by npm: a signal while
  // closing must not cut the close short (its default action would end the process at once).
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void running.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Said once it can be stopped: whoever waits for this line may signal at once.
  console.log(`listening on ${running.url}`);
  if (values.shape === 'seed') console.log('speaking the seed shape: only what the production server ships');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  if (!(error instanceof DataDirLockedError)) console.error(USAGE);
  process.exit(2);
});
