export { main } from './main.js';
export { CliError, type CliIO } from './io.js';
