// `npm run bench:before [-- <commit>]`: builds the library bundle of an earlier commit into
// dist/before/, for the benchmarks that compare the code before a change with the code now (list).
// The commit's tree is taken with `git archive` into a temporary directory (no worktree, nothing
// checked out here), built there with this checkout's node_modules, and the directory removed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The code before the snapshot was asked for at mount: it waited for the stream's `ready`. */
export const BEFORE_COMMIT = '9c524e4';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist', 'before');

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal})`);
  return result.stdout.trim();
}

const wanted = process.argv[2] ?? BEFORE_COMMIT;
const commit = run('git', ['rev-parse', '--verify', `${wanted}^{commit}`], root);
const tree = mkdtempSync(join(tmpdir(), 'hero-messaging-before-'));
try {
  const tar = join(tree, 'tree.tar');
  run('git', ['archive', '--format=tar', '-o', tar, commit], root);
  run('tar', ['-xf', tar, '-C', tree], root);
  rmSync(tar);
  symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'), 'dir');
  // The commit's own vite config, with this checkout's vite; only the output goes elsewhere.
  run(
    process.execPath,
    [
      join(root, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--mode',
      'lib',
      '--logLevel',
      'warn',
      '--outDir',
      out,
      '--emptyOutDir',
    ],
    tree,
  );
  writeFileSync(join(out, 'COMMIT'), `${commit}\n`);
  console.error(`bench:before: dist/before/hero-messaging.js built from ${commit.slice(0, 12)}`);
} finally {
  rmSync(tree, { recursive: true, force: true });
}
