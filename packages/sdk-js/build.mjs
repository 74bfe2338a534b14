// Bundles the browser SDK with esbuild: a minified script-tag build
// (window.opsloop) and an ESM build, and fails when the script-tag build
// exceeds its gzipped size budget.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const BUDGET_BYTES = 6 * 1024;
const dir = fileURLToPath(new URL('.', import.meta.url));
const out = `${dir}dist/bundle`;
mkdirSync(out, { recursive: true });

const common = {
  bundle: true,
  minify: true,
  target: 'es2019',
  platform: 'browser',
  write: false,
  legalComments: 'none',
};
const [globalBuild, esmBuild] = await Promise.all([
  build({ ...common, entryPoints: [`${dir}src/browser/global.ts`], format: 'iife' }),
  build({ ...common, entryPoints: [`${dir}src/index.ts`], format: 'esm' }),
]);
const globalJs = globalBuild.outputFiles[0].contents;
writeFileSync(`${out}/opsloop.global.js`, globalJs);
writeFileSync(`${out}/opsloop.esm.js`, esmBuild.outputFiles[0].contents);

const gz = gzipSync(globalJs, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(2)} KB`;
console.log(
  `@opsloop/js: opsloop.global.js ${kb(globalJs.length)} minified, ${kb(gz)} gzipped (budget ${kb(BUDGET_BYTES)})`,
);
if (gz > BUDGET_BYTES) {
  console.error(
    `@opsloop/js: the script-tag build is ${kb(gz)} gzipped, over the ${kb(BUDGET_BYTES)} budget. Shrink it before shipping.`,
  );
  process.exit(1);
}
