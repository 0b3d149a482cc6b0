import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/** The browser tests (`npm run test:e2e`): a real server and headless Chromium. */
export default defineConfig({
  resolve: {
    // One copy of graphql, the CommonJS one, as in vitest.config.ts.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['tests-e2e/**/*.e2e.test.ts'],
    // The dashboard is served as built: build it from the sources as they are.
    globalSetup: ['tests-e2e/build-dashboard.ts'],
    // Starting Chromium and loading GraphiQL take seconds; the first run may also fetch GraphiQL's files.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
