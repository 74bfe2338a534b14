// Events laid out in person order with merges squashed, and the 3-step funnel
// folded over them as each person's run ends: what layout.mjs and
// layout-100m.mjs measure against today's engine.

import { readChunks } from '@opsloop/store/analytics/duckdb-chunks';
import { DAYS, START } from './_generate.mjs';

/**
 * `events_squashed`: the project's events, each with its merged person
 * (overrides applied), in (project, person, time) order. With `integerPerson`,
 * also `events_squashed_int`: the columns the funnel reads, with the person as
 * a dense INTEGER (the generated persons' number, the UUID's last 12 digits).
 */
export async function createSquashed(conn, { integerPerson = false } = {}) {
  await conn.run(`CREATE OR REPLACE TABLE events_squashed AS
    SELECT e.* REPLACE (coalesce(o.person_id, e.person_id) AS person_id) FROM events e
    LEFT JOIN person_overrides o ON o.project_id = e.project_id AND o.old_person_id = e.person_id
    ORDER BY e.project_id, person_id, e.timestamp`);
  if (integerPerson)
    await conn.run(`CREATE OR REPLACE TABLE events_squashed_int AS
      SELECT project_id, event, timestamp, (person_id::VARCHAR)[25:]::INTEGER AS person
      FROM events_squashed`);
}

/**
 * The 3-step funnel (e0 → e1 → e2, 7 days, starts within the generated 30
 * days) over `events_squashed` (`integerPerson`: `events_squashed_int`). A
 * plain filtered SELECT keeps the table's order, so each person's events arrive
 * together and in time order, and a person is folded (ClickHouse's windowFunnel
 * DP: the latest start that reached each step) when the next one begins. No
 * partitions, no per-person lists, one thread. Equal timestamps are not ordered
 * by step here; callers check the counts against the engine's.
 */
export async function foldInPersonOrder(conn, { integerPerson = false } = {}) {
  const W = 7 * 86_400_000;
  const from = START;
  const to = START + DAYS * 86_400_000;
  const none = Number.NEGATIVE_INFINITY;
  const counts = [0, 0, 0];
  let s0 = none;
  let s1 = none;
  let s2 = none;
  let seen = false;
  const finish = () => {
    if (s0 !== none) counts[0]++;
    if (s1 !== none) counts[1]++;
    if (s2 !== none) counts[2]++;
    s0 = s1 = s2 = none;
  };
  const step = (ti, st) => {
    if (st === 4) {
      if (s1 !== none && ti - s1 <= W && s1 > s2) s2 = s1;
    } else if (st === 2) {
      if (s0 !== none && ti - s0 <= W && s0 > s1) s1 = s0;
    } else if (ti >= from && ti < to) s0 = ti;
  };
  const result = await conn.run(`SELECT ${integerPerson ? 'person' : 'person_id'},
      epoch_ms(timestamp)::DOUBLE AS t,
      (CASE event WHEN 'e0' THEN 1 WHEN 'e1' THEN 2 ELSE 4 END)::INTEGER AS step
    FROM ${integerPerson ? 'events_squashed_int' : 'events_squashed'}
    WHERE project_id = 'bench' AND event IN ('e0', 'e1', 'e2')
      AND timestamp >= TIMESTAMPTZ '2024-03-01 00:00:00+00'
      AND timestamp < TIMESTAMPTZ '2024-04-07 00:00:00+00'`);
  if (integerPerson) {
    let prev = 0;
    await readChunks(result, (chunk) => {
      const persons = chunk.numbers(0);
      const times = chunk.numbers(1);
      const steps = chunk.numbers(2);
      for (let r = 0; r < chunk.rowCount; r++) {
        if (!seen || persons[r] !== prev) {
          if (seen) finish();
          seen = true;
          prev = persons[r];
        }
        step(times[r], steps[r]);
      }
    });
  } else {
    let [p0, p1, p2, p3] = [0, 0, 0, 0];
    await readChunks(result, (chunk) => {
      const words = chunk.uuid(0);
      const times = chunk.numbers(1);
      const steps = chunk.numbers(2);
      for (let r = 0; r < chunk.rowCount; r++) {
        const w = r * 4;
        if (
          !seen ||
          words[w] !== p0 ||
          words[w + 1] !== p1 ||
          words[w + 2] !== p2 ||
          words[w + 3] !== p3
        ) {
          if (seen) finish();
          seen = true;
          [p0, p1, p2, p3] = [words[w], words[w + 1], words[w + 2], words[w + 3]];
        }
        step(times[r], steps[r]);
      }
    });
  }
  if (seen) finish();
  return counts;
}

/** Runs each named thunk `rounds` times after a warm-up, in turn; returns their medians (ms). */
export async function alternate(thunks, rounds) {
  const times = Object.fromEntries(Object.keys(thunks).map((k) => [k, []]));
  for (let r = 0; r <= rounds; r++)
    for (const [name, thunk] of Object.entries(thunks)) {
      const t = performance.now();
      await thunk();
      if (r > 0) times[name].push(performance.now() - t);
    }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}
