import type { Filter } from '@opsloop/schema';

/** `dynamic` segments are a saved Filter, recomputed; `static` ones a fixed list of persons. */
export type SegmentKind = 'dynamic' | 'static';

export interface Segment {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  readonly description: string;
  readonly kind: SegmentKind;
  /** The saved Filter of a dynamic segment; null for a static one. */
  readonly filter: Filter | null;
  /** Members at the last computation. */
  readonly size: number;
  /** When membership was last computed (ms), null before the first run. */
  readonly computedAt: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One entry of a segment's membership change log. */
export interface SegmentChange {
  readonly seq: number;
  readonly personId: string;
  readonly change: 'entered' | 'left';
  readonly at: number;
}

/** A segment's size after one computation, and how many entered and left then. */
export interface SegmentSizePoint {
  readonly at: number;
  readonly size: number;
  readonly entered: number;
  readonly exited: number;
}

/** Per-project configuration of lifecycle stages and RFM (JSON documents the server validates). */
export interface PeopleSettings {
  readonly projectId: string;
  readonly stratification: unknown;
  readonly rfm: unknown;
  readonly updatedAt: number;
}
