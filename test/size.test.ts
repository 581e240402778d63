// @vitest-environment node
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';
import { compressedSizes, GZIP_BUDGET } from '../bench/size.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('the bundle a host loads', () => {
  it(`stays within ${GZIP_BUDGET} bytes of gzip`, { timeout: 60_000 }, async () => {
    // As `vite build` runs it: vitest sets NODE_ENV=test, which would select development builds.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    const output = await build({ root, mode: 'lib', logLevel: 'silent', build: { write: false } }).finally(() => {
      process.env.NODE_ENV = nodeEnv;
    });
    const outputs = (Array.isArray(output) ? output : [output]).flatMap((o) => ('output' in o ? o.output : []));
    const bundle = outputs.find((chunk) => chunk.fileName === 'hero-messaging.js');
    expect(bundle?.type).toBe('chunk');
    const code = bundle!.type === 'chunk' ? bundle!.code : '';
    // One file: nothing split off to look smaller.
    expect(outputs.filter((chunk) => chunk.type === 'chunk')).toHaveLength(1);
    const { gzip } = compressedSizes(code);
    expect(gzip, `hero-messaging.js is ${gzip} bytes gzipped`).toBeLessThanOrEqual(GZIP_BUDGET);
  });
});
