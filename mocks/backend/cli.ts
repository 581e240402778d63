import { parseArgs } from 'node:util';
import { startBackendServer, type ServerOptions } from './server.ts';
import { parseShape } from './shape.ts';

const USAGE = `usage: npm run backend -- [--port 8787] [--host 127.0.0.1] [--data DIR] [--heartbeat-ms N]
       [--log-size N] [--log-bytes N] [--backlog-bytes N] [--allow-origin ORIGIN ...] [--allow-host NAME ...] [--no-seed]
       [--shape full|seed]   seed: only what the production server speaks (no replay, ready, seq, nonce,
                             unread counts, read markers or receipts)`;

/** The arguments are wrong: said with the usage text. Anything else that stops the start is not. */
class UsageError extends Error {}

function positiveInt(
  name: string,
  text: string | undefined,
  fallback?: number,
): number | undefined {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < (name === 'port' ? 0 : 1)) {
    throw new UsageError(
      `--${name} must be a whole number${name === 'port' ? '' : ' above 0'}, got ${JSON.stringify(text)}`,
    );
  }
  return n;
}

/** The server's options from the command line, or `'help'`; a `UsageError` when they are wrong. */
function parseOptions(args: string[]): ServerOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args,
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
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return 'help';
  let shape;
  try {
    shape = parseShape(values.shape, '--shape');
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  return {
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
    shape,
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options === 'help') {
    console.log(USAGE);
    return;
  }
  let running;
  try {
    running = await startBackendServer(options);
  } catch (error) {
    // The arguments were fine: the data directory, the disk or the port was not. Only that is said.
    console.error(`could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
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
  if (options.shape === 'seed')
    console.log('speaking the seed shape: only what the production server ships');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  if (error instanceof UsageError) console.error(USAGE);
  process.exit(error instanceof UsageError ? 2 : 1);
});
