import { hash128, mix32 } from './prng.js';

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) =>
  i.toString(16).padStart(2, '0'),
);

function hex32(x: number): string {
  return (
    (HEX[x >>> 24] as string) +
    (HEX[(x >>> 16) & 255] as string) +
    (HEX[(x >>> 8) & 255] as string) +
    (HEX[x & 255] as string)
  );
}

function hex16(x: number): string {
  return (HEX[(x >>> 8) & 255] as string) + (HEX[x & 255] as string);
}

/**
 * Deterministic UUIDs: one stream per (seed, purpose), numbered by a counter.
 * The low 48 bits are the counter itself, so ids within a stream never
 * collide; the high bits are a hash of the stream and counter, so streams and
 * seeds differ. Version 8 marks them as custom (RFC 9562), not random.
 */
export class UuidStream {
  private readonly s1: number;
  private readonly s2: number;

  constructor(seed: string, purpose: string) {
    const [a, b] = hash128(`${seed}\u0000${purpose}`);
    this.s1 = a;
    this.s2 = b;
  }

  at(counter: number): string {
    const low = counter % 0x100000000;
    const high = Math.floor(counter / 0x100000000) & 0xffff;
    const h1 = mix32(this.s1 ^ mix32(low ^ (high << 16)));
    const h2 = mix32(this.s2 ^ h1);
    return `${hex32(h1)}-${hex16(h2 >>> 16)}-${hex16(0x8000 | (h2 & 0x0fff))}-${hex16(
      0x8000 | ((h2 >>> 12) & 0x3fff),
    )}-${hex16(high)}${hex32(low)}`;
  }
}
