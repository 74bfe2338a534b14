import { seedDemoIfEmpty } from '@opsloop/server/demo/seed';
import type { TestServer } from '@opsloop/server/testing/test-server';

/** A small demo world (300 people over 30 days), enough for every overview card to have a shape. */
export async function seedSmallDemo(server: TestServer, projectId: string): Promise<number> {
  const summary = await seedDemoIfEmpty(server.ctx, projectId, {
    persons: 300,
    days: 30,
    seed: 'e2e',
    onProgress: () => undefined,
  });
  return summary?.events ?? 0;
}
