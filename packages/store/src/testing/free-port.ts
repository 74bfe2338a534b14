import { createServer } from 'node:net';

/**
 * A loopback port nothing listens on right now, for a test server that must
 * be told its port before it starts. Drawn below Linux's ephemeral range
 * (32768 and up), so that outgoing connections and `listen(0)` servers of
 * other test files do not take it before the server binds it. It can still
 * be taken meanwhile; callers retry with another port when the bind fails.
 */
export async function freeLoopbackPort(taken: ReadonlySet<number> = new Set()): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!taken.has(port) && (await canListen(port))) return port;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A loopback port held by a listener that never answers, for tests of a taken port. */
export async function holdLoopbackPort(): Promise<{ port: number; release(): void }> {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const address = holder.address();
  if (!address || typeof address !== 'object') throw new Error('no loopback port to hold');
  return { port: address.port, release: () => holder.close() };
}
