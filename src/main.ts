/**
 * Entry point: `npm start` (`npm run build && exec node dist/main.js`: the sources compiled to JavaScript by
 * esbuild, then the shell npm runs the script in is replaced by node, so a signal npm passes on reaches this
 * process, which npm waits for), one process that signals reach. Compiled, the server starts about 2 s sooner
 * than through tsx (which transpiles every module as it loads); requests cost the same either way (measured: the
 * code tsx runs is the same JavaScript once loaded). `node --import tsx src/main.ts` runs the sources directly.
 */
import { ConfigError, loadConfig } from './config.js';
import { FixtureError } from './data/load-fixtures.js';
import { NoDatasetError } from './data/postgres/holder.js';
import { ReadOnlyDatabaseError } from './data/postgres/migrate.js';
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
      dataVersion: running.holder.status().dataVersion,
      watch: config.watch,
    },
    `newsgraph serving GraphQL and GraphiQL at ${running.url}`,
  );
  // Now, not within the second the buffer may wait: scripts and supervisors wait for this line.
  log.flush();
  const stop = (signal: string) => {
    log.info(
      { signal, drainMs: config.shutdownDrainMs, graceMs: config.shutdownGraceMs },
      `${signal} received: not ready, serving for the drain period, then finishing requests in flight and exiting`,
    );
    running.close(config.shutdownGraceMs, config.shutdownDrainMs).then(
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
  // A rejection nobody handled is a bug to fix (tests/attack-rejections.test.ts), not a reason to stop serving
  // every other client: Node's default would end the process.
  process.on('unhandledRejection', (reason) =>
    log.error({ err: reason }, 'unhandled promise rejection: the server keeps serving'),
  );
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error) => {
  // Start-up problems go to stderr as plain text a person can act on.
  if (error instanceof ConfigError || error instanceof FixtureError) console.error(error.message);
  else if (error instanceof NoDatasetError || error instanceof ReadOnlyDatabaseError)
    console.error(`newsgraph failed to start: ${error.message}`);
  else console.error('newsgraph failed to start:', error);
  process.exit(1);
});
