import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { CanonicalEvent } from '@opsloop/schema';
import { type Config, createLogger, loadConfig } from '@opsloop/server';
import {
  type NormalizeResult,
  normalizePostHogEvent,
  normalizeSegmentMessage,
} from '@opsloop/server/ingest/normalize/index';
import { type IngestPipeline, openPipeline } from '@opsloop/server/pipeline/open-pipeline';
import { openSqliteMetaStore } from '@opsloop/store';
import { EventStoreLockedError } from '@opsloop/store/events/duckdb/duckdb-event-store';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { CliError, type CliIO } from '../io.js';

type Format = 'posthog' | 'segment' | 'jsonl';
const CHUNK = 5_000;

export const SERVER_RUNNING =
  'the server is running on this data directory; stop it or send the events over the HTTP API';

/** Opens the pipeline for a one-off command, turning DuckDB's file lock into a clear message. */
export async function openPipelineForCli(config: Config): Promise<IngestPipeline> {
  const log = createLogger({ ...config, logLevel: 'silent' });
  try {
    return await openPipeline({ dataDir: config.dataDir, log, background: false });
  } catch (err) {
    if (err instanceof EventStoreLockedError) throw new CliError(SERVER_RUNNING);
    throw err;
  }
}

/** One input line → a canonical event, through the same normalisers as the capture routes. */
export function normalizeLine(
  line: string,
  format: Format,
  projectId: string,
  receivedAt: number,
): NormalizeResult {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (format === 'posthog') return normalizePostHogEvent(raw, { projectId, receivedAt });
  if (format === 'segment') return normalizeSegmentMessage(raw, { projectId, receivedAt });
  const parsed = CanonicalEvent.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: parsed.error.issues[0]?.message ?? 'invalid' };
  return { ok: true, event: { ...parsed.data, projectId } };
}

export function registerImport(program: Command, io: CliIO): void {
  program
    .command('import')
    .description(
      'Load events from a file of JSON lines (PostHog events, Segment messages or canonical events); duplicates are stored once.',
    )
    .requiredOption('--project <id>', 'the project the events belong to')
    .option('--format <format>', 'posthog | segment | jsonl', 'jsonl')
    .argument('<file>', 'the file to read, or - for standard input')
    .action(async (file: string, opts: { project: string; format: string }) => {
      if (!['posthog', 'segment', 'jsonl'].includes(opts.format)) {
        throw new CliError(`--format must be posthog, segment or jsonl (got "${opts.format}")`, 2);
      }
      const config = loadConfig(io.env, { cwd: io.cwd });
      const meta = await openSqliteMetaStore({ file: `${config.dataDir}/meta.sqlite` });
      const project = await meta.projects.byId(opts.project).finally(() => meta.close());
      if (!project) throw new CliError(`no project with id "${opts.project}"`);

      const pipeline = await openPipelineForCli(config);
      const input: Readable = file === '-' ? process.stdin : createReadStream(file);
      const total = file === '-' ? 0 : await fileSize(file);
      const bar = new SingleBar({
        stream: io.stderr,
        format: 'importing [{bar}] {percentage}% | {value}/{total} bytes | {events} events',
        hideCursor: false,
      });
      if (total > 0) bar.start(total, 0, { events: 0 });
      let bytes = 0;
      let lineNo = 0;
      let accepted = 0;
      const rejected: string[] = [];
      let rejectedCount = 0;
      let chunk: CanonicalEvent[] = [];
      const receivedAt = Date.now();
      try {
        for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
          lineNo++;
          bytes += Buffer.byteLength(line) + 1;
          if (line.trim() === '') continue;
          const r = normalizeLine(line, opts.format as Format, project.id, receivedAt);
          if (!r.ok) {
            rejectedCount++;
            if (rejected.length < 5) rejected.push(`line ${lineNo}: ${r.reason}`);
            continue;
          }
          chunk.push(r.event);
          if (chunk.length >= CHUNK) {
            await pipeline.sink.accept(chunk);
            accepted += chunk.length;
            chunk = [];
            await pipeline.flusher.flushOnce();
            if (total > 0) bar.update(Math.min(bytes, total), { events: accepted });
          }
        }
        await pipeline.sink.accept(chunk);
        accepted += chunk.length;
        await pipeline.flusher.drain();
        if (total > 0) bar.update(total, { events: accepted });
      } finally {
        bar.stop();
        await pipeline.close();
      }
      io.stdout.write(`Imported ${accepted} events into project ${project.id}.\n`);
      if (rejectedCount > 0) {
        io.stderr.write(
          `Skipped ${rejectedCount} invalid lines:\n${rejected.map((r) => `  ${r}`).join('\n')}\n`,
        );
      }
    });
}

async function fileSize(path: string): Promise<number> {
  const { stat } = await import('node:fs/promises');
  try {
    return (await stat(path)).size;
  } catch {
    throw new CliError(`cannot read ${path}`);
  }
}
