import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Vite would load graphql's .mjs build for our imports while Pothos and yoga require the CommonJS one:
    // two copies of graphql ("Cannot use GraphQLObjectType from another module or realm"). Node itself
    // loads the CommonJS build for both, so tests do the same.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
