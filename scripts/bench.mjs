// `npm run bench`: builds, then runs every benchmark script under bench/ in turn
// (bench/<area>/*.mjs, sorted). Pass area names to run a subset: npm run bench -- ingest query
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from './build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const wanted = process.argv.slice(2);
build();
const benchDir = join(root, 'bench');
const areas = existsSync(benchDir)
  ? readdirSync(benchDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && (wanted.length === 0 || wanted.includes(d.name)))
      .map((d) => d.name)
      .sort()
  : [];
for (const area of areas) {
  for (const file of readdirSync(join(benchDir, area))
    .filter((f) => f.endsWith('.mjs'))
    .sort()) {
    if (file.startsWith('_')) continue; // helpers, not benchmarks
    console.log(`\n=== bench/${area}/${file}`);
    execFileSync(process.execPath, [join(benchDir, area, file)], { cwd: root, stdio: 'inherit' });
  }
}
