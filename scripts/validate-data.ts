/** `npm run validate -- [DIR]`: checks a fixture directory, prints every problem, exits non-zero on any. */
import path from 'node:path';
import { FixtureError, formatProblem, loadDataset } from '../src/data/load-fixtures.js';

const directory = path.resolve(process.argv[2] ?? 'data');
try {
  const data = await loadDataset(directory);
  const relationships =
    data.affiliations.length +
    data.participations.length +
    data.involvements.length +
    data.organizationRelations.length +
    data.eventRelations.length;
  console.log(
    `${directory}: valid (version ${data.version}): ${data.articles.length} articles, ${data.persons.length} persons, ` +
      `${data.organizations.length} organizations, ${data.events.length} events, ${relationships} relationships, ${data.mentions.length} mentions, ${data.claims.length} claims`,
  );
} catch (error) {
  if (!(error instanceof FixtureError)) throw error;
  console.error(`${directory}: ${error.problems.length} problem(s)`);
  for (const problem of error.problems) console.error(`  ${formatProblem(problem)}`);
  process.exitCode = 1;
}
