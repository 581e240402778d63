import js from '@eslint/js';
import solid from 'eslint-plugin-solid/configs/typescript';
import tseslint from 'typescript-eslint';

// The layers, each importing only from itself and those before it: protocol → sdk → sync → ui →
// element (src/element.tsx, src/hero-messaging.ts) → app (the standalone page). `mocks/` sits beside
// them and imports src/protocol only. Import paths are matched as written ('../sync/index.ts').
const LAYERS = ['protocol', 'sdk', 'sync', 'ui', 'element', 'app'];
const PATTERN = {
  protocol: '(^|/)protocol/',
  sdk: '(^|/)sdk/',
  sync: '(^|/)sync/',
  ui: '(^|/)ui/',
  element: '(^|/)(element\\.tsx|hero-messaging\\.ts)$',
  app: '(^|/)app/',
};
const ORDER = LAYERS.join(' → ');
const mocks = {
  regex: '(^|/)mocks/',
  message: 'src/ must not import the dev backend or fakes in mocks/.',
};
// The router writes to history and listens document-wide: the embeddable library must not contain it.
const router = {
  regex: '^@solidjs/router',
  message:
    '@solidjs/router is for the standalone app (src/app) only; the element bundle must not contain it.',
};

/** `no-restricted-imports` for the files of `layer`: nothing from the layers above it. */
function layer(layer, files, extra = []) {
  const above = LAYERS.slice(LAYERS.indexOf(layer) + 1).map((name) => ({
    regex: PATTERN[name],
    message: `src/${layer} must not import from ${name} (layers: ${ORDER}).`,
  }));
  const patterns = [...above, mocks, ...(layer === 'app' ? [] : [router]), ...extra];
  return { files, rules: { 'no-restricted-imports': ['error', { patterns }] } };
}

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.data/', 'bench/results/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['src/**/*.{ts,tsx}', 'test/**/*.tsx'], ...solid },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  layer(
    'protocol',
    ['src/protocol/**'],
    [{ regex: '^[^.]', message: 'src/protocol has no dependencies: everything builds on it.' }],
  ),
  layer(
    'sdk',
    ['src/sdk/**'],
    [{ regex: '^solid-js', message: 'src/sdk knows nothing of Solid.' }],
  ),
  layer('sync', ['src/sync/**']),
  layer('ui', ['src/ui/**']),
  layer('element', ['src/element.tsx', 'src/hero-messaging.ts']),
  layer('app', ['src/app/**']),
  {
    files: ['mocks/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)src/(?!protocol/)',
              message:
                'mocks/ may import only src/protocol (the wire contract), never the client it stands in for.',
            },
          ],
        },
      ],
    },
  },
);
