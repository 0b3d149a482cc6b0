/** `npm run schema`: prints the schema from the code into schema.graphql (sorted, stable). */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSchema } from 'graphql';
import { schema } from '../src/schema/index.js';

export function printedSchema(): string {
  return `${printSchema(schema)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = new URL('../schema.graphql', import.meta.url);
  writeFileSync(target, printedSchema());
  console.log(`wrote ${fileURLToPath(target)}`);
}
