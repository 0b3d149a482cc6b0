/** Every example query in the README runs against the fixtures and returns exactly the answer shown there. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApi } from './helpers.js';

const readme = readFileSync(path.resolve(import.meta.dirname, '../README.md'), 'utf8');

/** Each ```graphql block paired with the ```json block that follows it. */
const examples = [...readme.matchAll(/```graphql\n([\s\S]*?)```\s*```json\n([\s\S]*?)```/g)].map((match) => ({
  query: match[1] ?? '',
  answer: JSON.parse(match[2] ?? 'null') as unknown,
}));

let api: Awaited<ReturnType<typeof createTestApi>>;
beforeAll(async () => {
  api = await createTestApi();
});

describe('README examples', () => {
  it('has at least three examples, each with its answer', () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
    expect(readme.match(/```graphql/g)?.length).toBe(examples.length);
  });

  it.each(examples.map((example, i) => [i + 1, example] as const))(
    'example %i returns what the README says',
    async (_n, example) => {
      const { status, extensions, ...response } = await api.query(example.query);
      expect(status).toBe(200);
      expect(extensions?.dataVersion).toBe(api.store.version);
      expect(response).toEqual(example.answer);
    },
  );

  it('shows the commands a newcomer runs', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });
});

describe('README configuration', () => {
  it('lists every setting with its flag, variable and default', async () => {
    const { CONFIG_SETTINGS } = await import('../src/config.js');
    for (const setting of CONFIG_SETTINGS) {
      expect(readme).toContain(`| \`${setting.flag}\` | \`${setting.env}\` | \`${setting.default}\` |`);
    }
  });
});
