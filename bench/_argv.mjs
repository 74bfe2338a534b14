// Benchmark flags: `--name value` pairs on the command line.

/** The value after `--name`, or `dflt` when the flag is absent. */
export const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
