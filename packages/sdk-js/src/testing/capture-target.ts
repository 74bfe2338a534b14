import type { JsonObject } from '@opsloop/schema';
import { startTestServer } from '@opsloop/server/testing/test-server';

/** An event as the Opsloop server stored it (canonical columns, JSON decoded). */
export interface StoredEvent {
  readonly uuid: string;
  readonly event: string;
  readonly distinctId: string;
  readonly properties: JsonObject;
  readonly sessionId: string | null;
  readonly url: string | null;
  readonly referrer: string | null;
  readonly utmSource: string | null;
  readonly groups: Record<string, string> | null;
  readonly personOps: { set?: JsonObject; setOnce?: JsonObject } | null;
  readonly identity: { kind: string; otherDistinctId: string } | null;
}

/** Where the browser sends events during a test, and how the test reads them back. */
export interface CaptureTarget {
  /** The SDK's `host` option. */
  readonly host: string;
  readonly writeKey: string;
  /** Stored events in event-time order. */
  events(): Promise<StoredEvent[]>;
  close(): Promise<void>;
}

interface Row extends Record<string, unknown> {
  uuid: string;
  event: string;
  distinct_id: string;
  properties: string | null;
  session_id: string | null;
  url: string | null;
  referrer: string | null;
  utm_source: string | null;
  groups: string | null;
  person_ops: string | null;
  identity_op: string | null;
}

const parse = <T>(text: string | null): T | null => (text == null ? null : (JSON.parse(text) as T));

/** A real Opsloop server (capture edge → spool → DuckDB) with one project. */
export async function startOpsloopTarget(): Promise<CaptureTarget> {
  const server = await startTestServer();
  try {
    const { meta } = server.ctx;
    const user = await meta.users.create({
      email: 'sdk@example.test',
      name: 'SDK',
      passwordHash: 'x',
    });
    const org = await meta.orgs.create({ name: 'SDK tests', ownerUserId: user.id });
    const project = await meta.projects.create({
      orgId: org.id,
      name: 'Site',
      timezone: 'UTC',
      currency: 'USD',
    });
    return {
      host: server.url,
      writeKey: project.writeKey,
      async events() {
        const rows = await server.ctx.events.execute<Row>({
          sql: `SELECT uuid::VARCHAR AS uuid, event, distinct_id, properties::VARCHAR AS properties,
                       session_id, url, referrer, utm_source, groups::VARCHAR AS groups,
                       person_ops::VARCHAR AS person_ops, identity_op::VARCHAR AS identity_op
                  FROM events WHERE project_id = $1 ORDER BY timestamp, uuid`,
          parameters: [project.id],
        });
        return rows.map((r) => ({
          uuid: r.uuid,
          event: r.event,
          distinctId: r.distinct_id,
          properties: parse<JsonObject>(r.properties) ?? {},
          sessionId: r.session_id,
          url: r.url,
          referrer: r.referrer,
          utmSource: r.utm_source,
          groups: parse(r.groups),
          personOps: parse(r.person_ops),
          identity: parse(r.identity_op),
        }));
      },
      close: () => server.dispose(),
    };
  } catch (error) {
    await server.dispose();
    throw error;
  }
}

/** Polls until `predicate` holds for the stored events; fails with what was stored. */
export async function waitForEvents(
  target: CaptureTarget,
  predicate: (events: StoredEvent[]) => boolean,
  options: { timeoutMs?: number; what: string },
): Promise<StoredEvent[]> {
  const deadline = Date.now() + (options.timeoutMs ?? 8000);
  for (;;) {
    const events = await target.events();
    if (predicate(events)) return events;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${options.what}; stored: ${events.map((e) => e.event).join(', ')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
