/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random
 * bits. Time-ordered ids keep sessions and events sortable by creation.
 *
 * @param nowMs the creation time in milliseconds since the epoch
 * @param bytes at least 10 random bytes
 */
export function uuidv7(nowMs: number, bytes: ArrayLike<number>): string {
  const ts = Math.max(0, Math.floor(nowMs)).toString(16).padStart(12, '0').slice(-12);
  let hex = '';
  for (let i = 0; i < 10; i++) hex += ((bytes[i] ?? 0) & 255).toString(16).padStart(2, '0');
  const variant = ((Number.parseInt(hex.charAt(3), 16) & 3) | 8).toString(16);
  // 74 random bits are needed; the 6 left over come from the middle, so the last bytes always count.
  return `${ts.slice(0, 8)}-${ts.slice(8)}-7${hex.slice(0, 3)}-${variant}${hex.slice(5, 8)}-${hex.slice(8, 20)}`;
}
