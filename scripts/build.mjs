// Builds every package: TypeScript projects (tests included, so tests are
// type-checked), then the browser SDK bundle and the console.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureDeps } from './ensure-deps.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (cmd) => {
  try {
    execSync(cmd, { cwd: root, stdio: 'inherit' });
  } catch {
    console.error(`\nBuild step failed: ${cmd}`);
    process.exit(1);
  }
};

export function build() {
  ensureDeps();
  const t0 = Date.now();
  run('npx tsc -b tsconfig.build.json');
  for (const pkg of ['sdk-js', 'console']) {
    if (existsSync(`${root}packages/${pkg}/build.mjs`)) run(`node packages/${pkg}/build.mjs`);
  }
  console.log(`Built in ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
}

if (import.meta.url === `file://${process.argv[1]}`) build();
