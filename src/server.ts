/**
 * Starts the HTTP server: loads and validates the data (refusing to start on bad data),
 * serves yoga on node:http, and stops cleanly on SIGTERM/SIGINT.
 */
import { createServer, type Server } from 'node:http';
import type { Config } from './config.js';
import { loadDataset } from './data/load-fixtures.js';
import { MemoryStore } from './data/memory-store.js';
import { createNewsYoga } from './yoga.js';

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startServer(config: Config): Promise<RunningServer> {
  const store = new MemoryStore(await loadDataset(config.dataDir));
  const yoga = createNewsYoga({ source: store, maxDepth: config.maxDepth, logging: true });
  const server = createServer(yoga);
  // Keep-alive sockets would otherwise hold close() open until they time out.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host}:${port}${yoga.graphqlEndpoint}`;
  return {
    server,
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
