/**
 * One person's funnel events as parallel typed columns, reused from person to
 * person so that scanning a million persons allocates nothing per event.
 */
export class PersonEvents {
  n = 0;
  t = new Float64Array(64);
  /** Bit j set when the event matches step j. */
  steps = new Int32Array(64);
  /** Bit i set when the event is exclusion i's event. */
  exclusions = new Int32Array(64);
  inRange = new Uint8Array(64);
  /**
   * A number the funnel itself ignores: under an event-property breakdown, the
   * id of the event's own breakdown value (see `attributedGroup`).
   */
  tags = new Int32Array(64);
  /** Scratch for the planners' sort order. */
  order = new Int32Array(64);

  clear(): this {
    this.n = 0;
    return this;
  }

  push(t: number, steps: number, exclusions: number, inRange: boolean, tag = 0): void {
    if (this.n === this.t.length) this.grow();
    const i = this.n++;
    this.t[i] = t;
    this.steps[i] = steps;
    this.exclusions[i] = exclusions;
    this.inRange[i] = inRange ? 1 : 0;
    this.tags[i] = tag;
  }

  private grow(): void {
    const size = this.t.length * 2;
    const t = new Float64Array(size);
    t.set(this.t);
    this.t = t;
    const steps = new Int32Array(size);
    steps.set(this.steps);
    this.steps = steps;
    const exclusions = new Int32Array(size);
    exclusions.set(this.exclusions);
    this.exclusions = exclusions;
    const inRange = new Uint8Array(size);
    inRange.set(this.inRange);
    this.inRange = inRange;
    const tags = new Int32Array(size);
    tags.set(this.tags);
    this.tags = tags;
    this.order = new Int32Array(size);
  }
}
