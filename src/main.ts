/** Entry point: `npm start` (node --import tsx src/main.ts), one process that signals reach. */
import { ConfigError, loadConfig } from './config.js';
import { FixtureError } from './data/load-fixtures.js';
import { createLogger } from './logger.js';
import { startServer } from './server.js';

async function main() {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const running = await startServer(config, log);
  log.info(
    {
      url: running.url,
      metricsUrl: running.metricsUrl,
      dataDir: config.dataDir,
      dataVersion: running.holder.current().version,
      watch: config.watch,
    },
    `newsgraph serving GraphQL and GraphiQL at ${running.url}`,
  );
  const stop = (signal: string) => {
    log.info(
      { signal, graceMs: config.shutdownGraceMs },
      `${signal} received: finishing requests in flight, then exiting`,
    );
    running.close().then(
      () => {
        log.info({}, 'closed');
        process.exit(0);
      },
      (error) => {
        log.error({ err: error }, 'close failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error) => {
  // Start-up problems go to stderr as plain text a person can act on.
  if (error instanceof ConfigError || error instanceof FixtureError) console.error(error.message);
  else console.error('newsgraph failed to start:', error);
  process.exit(1);
});
