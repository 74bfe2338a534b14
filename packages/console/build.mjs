// Builds the console: type-checks it with its own tsconfig (so type errors
// fail the build), bundles it with Vite into dist/, then prints the gzipped
// size of every chunk and of the JavaScript each view needs before it can
// render. The view that opens first must stay within its budget.
//
//   node packages/console/build.mjs
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { build } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = join(here, 'dist');
/** Entry plus the first view (Overview) with the charts it draws, gzipped. */
const FIRST_VIEW_BUDGET = 300 * 1024;
const FIRST_VIEW = 'src/views/overview/OverviewView.tsx';

try {
  execSync('npx tsc -p packages/console', { cwd: root, stdio: 'inherit' });
} catch {
  console.error('console: type check failed');
  process.exit(1);
}

await build({
  root: here,
  configFile: false,
  logLevel: 'warn',
  plugins: [react()],
  build: {
    outDir: dist,
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 2048,
  },
});

/** @type {Record<string, {file: string, imports?: string[], dynamicImports?: string[], isEntry?: boolean, css?: string[]}>} */
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));
const gz = new Map();
const gzSize = (file) => {
  if (!gz.has(file)) gz.set(file, gzipSync(readFileSync(join(dist, file))).length);
  return gz.get(file);
};
const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
/**
 * Every manifest entry `key` loads statically (imports); with `dynamic`, also
 * what it loads lazily (a view's charts), as a view needs them to finish. The
 * entry's own lazy imports are the other views, which a view never needs.
 */
const closure = (key, { dynamic = false } = {}, seen = new Set()) => {
  if (seen.has(key)) return seen;
  seen.add(key);
  const m = manifest[key];
  const lazy = dynamic && key !== entryKey ? (m?.dynamicImports ?? []) : [];
  for (const dep of [...(m?.imports ?? []), ...lazy]) {
    closure(dep, { dynamic }, seen);
  }
  return seen;
};
const files = (keys) => {
  const out = new Set();
  for (const k of keys) {
    out.add(manifest[k].file);
    for (const c of manifest[k].css ?? []) out.add(c);
  }
  return out;
};
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const sum = (set) => [...set].reduce((a, f) => a + gzSize(f), 0);

console.log('console: chunks (gzipped)');
const all = [...new Set(Object.values(manifest).flatMap((m) => [m.file, ...(m.css ?? [])]))].sort(
  (a, b) => gzSize(b) - gzSize(a),
);
for (const f of all) console.log(`  ${kb(gzSize(f)).padStart(10)}  ${f}`);

const entryFiles = files(closure(entryKey));
const views = [...closure(entryKey)].flatMap((k) => manifest[k].dynamicImports ?? []);
console.log('console: JavaScript and CSS each view needs, before and after its charts (gzipped)');
console.log(`  ${kb(sum(entryFiles)).padStart(10)}  shell (${entryKey})`);
let firstView = 0;
for (const view of new Set(views)) {
  const first = sum(new Set([...entryFiles, ...files(closure(view))]));
  const full = sum(new Set([...entryFiles, ...files(closure(view, { dynamic: true }))]));
  if (view === FIRST_VIEW) firstView = full;
  const charts = full > first ? `, at most ${kb(full)} with what it loads lazily (charts)` : '';
  console.log(`  ${kb(first).padStart(10)}  ${view}${charts}`);
}
if (firstView === 0) {
  console.error(`console: ${FIRST_VIEW} is not a lazily loaded view of the entry`);
  process.exit(1);
}
if (firstView > FIRST_VIEW_BUDGET) {
  console.error(
    `console: first view needs ${kb(firstView)}, over the ${kb(FIRST_VIEW_BUDGET)} budget`,
  );
  process.exit(1);
}
console.log(`console: first view ${kb(firstView)} of ${kb(FIRST_VIEW_BUDGET)} budget`);
