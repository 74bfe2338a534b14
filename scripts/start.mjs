// `npm start`: install what is missing, build, and run Opsloop on the embedded
// stores. On first start the server seeds a demo organisation, project and
// owner account and prints how to log in.
import { fileURLToPath } from 'node:url';
import { build } from './build.mjs';

build();
const cli = await import(new URL('../packages/cli/dist/main.js', import.meta.url).href);
const code = await cli.main(['start', ...process.argv.slice(2)], {
  env: process.env,
  cwd: fileURLToPath(new URL('..', import.meta.url)),
  stdout: process.stdout,
  stderr: process.stderr,
});
if (code !== 0) process.exit(code);
