// Size of the bundle a host loads: dist/hero-messaging.js (build it first: `vite build --mode lib`).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { BenchLine } from './support.ts';

/** The budget test/size.test.ts enforces, in bytes of gzip. */
export const GZIP_BUDGET = 44_165;

export function compressedSizes(code: Uint8Array | string) {
  return {
    raw: Buffer.byteLength(code),
    gzip: gzipSync(code, { level: 9 }).length,
    brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

export async function bundleSize(): Promise<BenchLine[]> {
  const file = fileURLToPath(new URL('../dist/hero-messaging.js', import.meta.url));
  const sizes = compressedSizes(readFileSync(file));
  return [
    {
      name: 'size',
      params: {
        file: 'dist/hero-messaging.js',
        gzipLevel: 9,
        brotliQuality: 11,
        gzipBudgetBytes: GZIP_BUDGET,
      },
      figures: { ...sizes, unit: 'bytes', withinBudget: sizes.gzip <= GZIP_BUDGET },
    },
  ];
}
