/** schema.graphql is the file clients generate SDKs from: it must match the code and document everything. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  isUnionType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { printedSchema } from '../scripts/print-schema.js';
import { schema } from '../src/schema/index.js';

describe('schema.graphql', () => {
  it('is exactly what the code prints (run `npm run schema` after changing the schema)', () => {
    const committed = readFileSync(path.resolve(import.meta.dirname, '../schema.graphql'), 'utf8');
    expect(committed).toBe(printedSchema());
  });

  it('describes every type, field, argument and enum value', () => {
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || (isScalarType(type) && isSpecifiedScalarType(type))) continue;
      if (!type.description?.trim()) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description?.trim()) missing.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : []) {
            if (!arg.description?.trim()) missing.push(`${type.name}.${field.name}(${arg.name})`);
          }
        }
      }
      if (isEnumType(type)) {
        for (const value of type.getValues())
          if (!value.description?.trim()) missing.push(`${type.name}.${value.name}`);
      }
      if (isUnionType(type) && type.getTypes().length === 0) missing.push(`${type.name} has no members`);
    }
    expect(missing).toEqual([]);
  });

  it('keeps the public contract’s names and nullability', () => {
    const sdl = printedSchema();
    for (const line of [
      'interface Entity implements Node',
      'type Person implements Entity & Node',
      'type Organization implements Entity & Node',
      'type Event implements Entity & Node',
      'type Article implements Node',
      'nodes(',
      'ids: [ID!]!',
      '): [Node]!',
      'affiliations: [Affiliation!]!',
      'participations: [Participation!]!',
      'parent: Organization\n',
      'children: [Organization!]!',
      'members: [Affiliation!]!',
      'involvements: [Involvement!]!',
      'relatedEvents: [Event!]!',
      'evidence: [Evidence!]!',
      'totalCount: Int!',
      'nodes: [Person!]!',
      'edges: [PersonEdge!]!',
      'pageInfo: PageInfo!',
      '): SearchResultConnection!',
    ]) {
      expect(sdl).toContain(line);
    }
  });
});
