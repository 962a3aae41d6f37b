// A URL nothing listens on, for tests of a model endpoint that is down: a port the system gave out
// a moment ago and was let go (a fixed port might be taken, or refused by fetch as a "bad port").
import { createServer } from 'node:net';

export async function closedPortURL(path = '/v1'): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}${path}`;
}
