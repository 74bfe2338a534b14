// `npm test`: install what is missing, build (type-checking the tests), lint,
// then run every test file with Node's test runner and end with one line
// `N passed, N failed`.
//
//   node scripts/test.mjs [--no-build] [--no-lint] [path-filter …]
import { execSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { fileURLToPath } from 'node:url';
import { build } from './build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const filters = args.filter((a) => !a.startsWith('--'));

if (!flags.has('--no-build')) build();
if (!flags.has('--no-lint')) {
  // `biome ci` fails on lint errors (including focused `.only` tests) and unformatted files.
  try {
    execSync('npx biome ci .', { cwd: root, stdio: 'inherit' });
  } catch {
    console.error('\nLint failed (run `npm run format` for formatting). 0 passed, 1 failed');
    process.exit(1);
  }
}

function* testFiles(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* testFiles(path);
    else if (name.endsWith('.test.js')) yield path;
  }
}
const roots = ['packages', 'e2e']
  .flatMap((d) => {
    try {
      return readdirSync(join(root, d)).map((p) => join(root, d, p, 'dist'));
    } catch {
      return [];
    }
  })
  .concat([join(root, 'e2e', 'dist')])
  .filter((d) => {
    try {
      return statSync(d).isDirectory();
    } catch {
      return false;
    }
  });
const files = [...new Set(roots.flatMap((d) => [...testFiles(d)]))]
  .filter((f) => filters.length === 0 || filters.some((flt) => relative(root, f).includes(flt)))
  .sort();
if (files.length === 0) {
  console.error('No test files matched.');
  process.exit(1);
}
console.log(`Running ${files.length} test files.`);

let passed = 0;
let failed = 0;
const failures = [];
const stream = run({ files, concurrency: 2, timeout: 10 * 60_000 });
stream.on('test:pass', (d) => {
  if (d.details?.type !== 'suite') passed++;
});
stream.on('test:fail', (d) => {
  if (d.details?.type !== 'suite') {
    failed++;
    failures.push(`${d.file ? relative(root, d.file) : ''} › ${d.name}`);
  }
});
stream.compose(spec).pipe(process.stdout);
stream.on('end', () => {
  setImmediate(() => {
    if (failures.length) console.log(`\nFailed:\n${failures.map((f) => `  ${f}`).join('\n')}`);
    console.log(`\n${passed} passed, ${failed} failed`);
    process.exitCode = failed > 0 ? 1 : 0;
  });
});
