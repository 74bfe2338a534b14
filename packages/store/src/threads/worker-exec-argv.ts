/**
 * Node flags for a worker thread: the process's own, less those a worker
 * refuses. A thread inherits the process's `execArgv`, and one flag valid for
 * the process, `--input-type` (a server started with `node --input-type=module
 * -e …`), makes every worker fail at start with ERR_INPUT_TYPE_NOT_ALLOWED: the
 * spool could accept nothing, and no funnel thread would start.
 */
export function workerExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const flag = execArgv[i] ?? '';
    // `--input-type module` carries its value in the next argument.
    if (flag === '--input-type') i++;
    else if (!flag.startsWith('--input-type=')) out.push(flag);
  }
  return out;
}
