// @vitest-environment node
import { fileURLToPath } from 'node:url';
import { build, type Rolldown } from 'vite';
import { beforeAll, describe, expect, it } from 'vitest';
import { compressedSizes, GZIP_BUDGET } from '../bench/size.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('the bundle a host loads', () => {
  let outputs: (Rolldown.OutputChunk | Rolldown.OutputAsset)[] = [];
  let bundle: Rolldown.OutputChunk | undefined;
  beforeAll(async () => {
    // As `vite build` runs it: vitest sets NODE_ENV=test, which would select development builds.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    const output = await build({
      root,
      mode: 'lib',
      logLevel: 'silent',
      build: { write: false },
    }).finally(() => {
      process.env.NODE_ENV = nodeEnv;
    });
    outputs = (Array.isArray(output) ? output : [output]).flatMap((o) =>
      'output' in o ? o.output : [],
    );
    const found = outputs.find((chunk) => chunk.fileName === 'hero-messaging.js');
    bundle = found?.type === 'chunk' ? found : undefined;
  }, 60_000);

  it(`stays within ${GZIP_BUDGET} bytes of gzip`, () => {
    expect(bundle?.type).toBe('chunk');
    // One file: nothing split off to look smaller.
    expect(outputs.filter((chunk) => chunk.type === 'chunk')).toHaveLength(1);
    const { gzip } = compressedSizes(bundle!.code);
    expect(gzip, `hero-messaging.js is ${gzip} bytes gzipped`).toBeLessThanOrEqual(GZIP_BUDGET);
  });

  it('asks the browser, on its first line, to compile all of it while the file streams in', () => {
    // V8's explicit compile hint only counts as the first thing in the file.
    expect(bundle!.code.startsWith('//# allFunctionsCalledOnLoad\n')).toBe(true);
  });

  it('contains neither @solidjs/router nor the standalone app', () => {
    // The router writes to history and listens document-wide, which an embedded island must never do
    // to its host: it is the standalone app's (src/app) alone.
    const modules = bundle!.moduleIds.map((id) => id.replaceAll('\\', '/'));
    expect(modules.some((id) => id.endsWith('/src/element.tsx'))).toBe(true);
    expect(
      modules.filter((id) => id.includes('@solidjs/router') || id.includes('/src/app/')),
    ).toEqual([]);
  });
});
