/**
 * Where a live stream stands: the newest event it has shown, by arrival
 * (`received_at` in ms, ties broken by uuid). Events that arrive later sort
 * after it whatever their own timestamps say, so late or back-dated events
 * still show up in the stream.
 */
export interface StreamCursor {
  readonly receivedAt: number;
  readonly uuid: string;
}

const CURSOR = /^(\d{1,15})_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** `1718000000000_0190…` — opaque to clients, readable in logs. */
export function encodeCursor(c: StreamCursor): string {
  return `${c.receivedAt}_${c.uuid}`;
}

/** The cursor, or null when `text` is not one this server wrote. */
export function decodeCursor(text: string): StreamCursor | null {
  const m = CURSOR.exec(text.toLowerCase());
  if (!m?.[1] || !m[2]) return null;
  return { receivedAt: Number(m[1]), uuid: m[2] };
}

/** True when `a` comes strictly after `b` in arrival order. */
export function isAfter(a: StreamCursor, b: StreamCursor): boolean {
  return a.receivedAt > b.receivedAt || (a.receivedAt === b.receivedAt && a.uuid > b.uuid);
}
