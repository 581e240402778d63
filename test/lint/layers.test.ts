// @vitest-environment node
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** The `no-restricted-imports` messages for `source` linted as if it were the file at `path`. */
async function restricted(path: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const used = x;\n`, {
    filePath: `${root}${path}`,
  });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('lint keeps the layers (protocol → sdk → sync → ui → element → app; mocks beside)', () => {
  it.each([
    [
      'src/protocol/fixture.ts',
      "import { x } from '../sdk/index.ts';",
      'src/protocol must not import from sdk',
    ],
    [
      'src/protocol/fixture.ts',
      "import { x } from 'solid-js';",
      'src/protocol has no dependencies',
    ],
    [
      'src/sdk/fixture.ts',
      "import type { x } from '../sync/index.ts';",
      'src/sdk must not import from sync',
    ],
    ['src/sdk/fixture.ts', "import { x } from 'solid-js';", 'src/sdk knows nothing of Solid'],
    [
      'src/sync/fixture.ts',
      "import { x } from '../ui/index.ts';",
      'src/sync must not import from ui',
    ],
    [
      'src/ui/fixture.ts',
      "import { x } from '../element.tsx';",
      'src/ui must not import from element',
    ],
    [
      'src/ui/window/fixture.ts',
      "export { x } from '../../app/routes.tsx';",
      'src/ui must not import from app',
    ],
    [
      'src/ui/fixture.ts',
      "import { x } from '@solidjs/router';",
      'for the standalone app (src/app) only',
    ],
    [
      'src/element.tsx',
      "import { x } from './app/main.tsx';",
      'src/element must not import from app',
    ],
    [
      'src/sync/fixture.ts',
      "import { x } from '../../mocks/backend/index.ts';",
      'must not import the dev backend',
    ],
    [
      'mocks/backend/fixture.ts',
      "import { x } from '../../src/sdk/index.ts';",
      'mocks/ may import only src/protocol',
    ],
    [
      'mocks/fake-stream/fixture.ts',
      "import { x } from '../../src/ui/index.ts';",
      'mocks/ may import only src/protocol',
    ],
  ])('%s: rejects %s', async (path, source, message) => {
    const messages = await restricted(path, source);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(message);
  });

  it.each([
    ['src/sdk/fixture.ts', "import { x } from '../protocol/index.ts';"],
    ['src/sync/fixture.ts', "import { x } from '../sdk/index.ts';"],
    ['src/ui/window/fixture.ts', "import { x } from '../../sync/index.ts';"],
    ['src/element.tsx', "import { x } from './ui/index.ts';"],
    ['src/app/fixture.tsx', "import { x } from '@solidjs/router';"],
    ['src/app/fixture.tsx', "import { x } from '../element.tsx';"],
    ['mocks/backend/fixture.ts', "import { x } from '../../src/protocol/index.ts';"],
  ])('%s: allows %s', async (path, source) => {
    expect(await restricted(path, source)).toEqual([]);
  });
});
