/** One figure counted on both sides: rows of a table, or of a table for one project. */
export interface Count {
  /** What is counted, e.g. `meta users`, `events`, `identity persons`. */
  readonly check: string;
  /** The project, or null for a whole table. */
  readonly projectId: string | null;
  readonly value: number;
}

export interface VerifiedCount {
  readonly check: string;
  readonly projectId: string | null;
  readonly source: number;
  readonly target: number;
  readonly ok: boolean;
}

export interface Verification {
  readonly rows: readonly VerifiedCount[];
  readonly mismatches: number;
}

const key = (c: { check: string; projectId: string | null }) =>
  `${c.check}\u0000${c.projectId ?? ''}`;

/**
 * Pairs the source's figures with the target's. A figure only one side has
 * counts as 0 on the other, so rows the target holds beyond the source (or
 * lost on the way) show as mismatches too. Rows keep the source's order, then
 * the target's extras.
 */
export function compareCounts(source: readonly Count[], target: readonly Count[]): Verification {
  const rows = new Map<string, { check: string; projectId: string | null; s: number; t: number }>();
  for (const c of source) {
    const r = rows.get(key(c)) ?? { check: c.check, projectId: c.projectId, s: 0, t: 0 };
    r.s += c.value;
    rows.set(key(c), r);
  }
  for (const c of target) {
    const r = rows.get(key(c)) ?? { check: c.check, projectId: c.projectId, s: 0, t: 0 };
    r.t += c.value;
    rows.set(key(c), r);
  }
  const out = [...rows.values()].map((r) => ({
    check: r.check,
    projectId: r.projectId,
    source: r.s,
    target: r.t,
    ok: r.s === r.t,
  }));
  return { rows: out, mismatches: out.filter((r) => !r.ok).length };
}

/** The verification as a fixed-width text table, one line per figure, mismatches marked. */
export function renderVerification(v: Verification): string {
  const header = ['check', 'project', 'source', 'target', ''];
  const lines = v.rows.map((r) => [
    r.check,
    r.projectId ?? '-',
    String(r.source),
    String(r.target),
    r.ok ? 'ok' : 'MISMATCH',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const numeric = new Set([2, 3]);
  const format = (cells: readonly string[]) =>
    cells
      .map((c, i) => (numeric.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const summary =
    v.mismatches === 0
      ? `All ${v.rows.length} figures match.`
      : `${v.mismatches} of ${v.rows.length} figures differ.`;
  return [format(header), rule, ...lines.map(format), '', summary, ''].join('\n');
}
