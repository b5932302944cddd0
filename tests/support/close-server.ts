import type { Server } from 'node:net';

/** Closes a loopback test server now: its open connections (kept-alive ones too) go at once. */
export function closeServer(server: Server & { closeAllConnections(): void }): Promise<void> {
  return new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
