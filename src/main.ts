/** Entry point: `npm start` (node --import tsx src/main.ts), one process that signals reach. */
import { ConfigError, loadConfig } from './config.js';
import { FixtureError } from './data/load-fixtures.js';
import { startServer } from './server.js';

async function main() {
  const config = loadConfig();
  const running = await startServer(config);
  console.log(`newsgraph serving GraphQL and GraphiQL at ${running.url} (data: ${config.dataDir})`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received: closing the server`);
    const forceExit = setTimeout(() => {
      console.error('Connections still open after 10 s: exiting anyway');
      process.exit(1);
    }, 10_000);
    forceExit.unref();
    running.close().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error) => {
  if (error instanceof ConfigError || error instanceof FixtureError) {
    console.error(error.message);
  } else {
    console.error('newsgraph failed to start:', error);
  }
  process.exit(1);
});
