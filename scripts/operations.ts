/**
 * The client operations in operations/: one `.graphql` file per named operation (with the fragments it
 * uses), read in a stable order and checked against a schema with a message naming the file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  type DefinitionNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  Kind,
  parse,
  print,
  validate,
  visit,
} from 'graphql';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const OPERATIONS_DIR = path.join(ROOT, 'operations');

export interface OperationFile {
  /** Where the file is, for messages: relative to the repository root when inside it. */
  location: string;
  source: string;
}

export interface ParsedOperationFile extends OperationFile {
  document: DocumentNode;
}

/** Every `*.graphql` file of the directory, sorted by name so generated output does not depend on the OS. */
export function readOperationFiles(directory = OPERATIONS_DIR): OperationFile[] {
  return readdirSync(directory)
    .filter((name) => name.endsWith('.graphql'))
    .sort()
    .map((name) => ({
      location: displayPath(path.join(directory, name)),
      source: readFileSync(path.join(directory, name), 'utf8'),
    }));
}

/** Relative to the repository root when inside it ("operations/Search.graphql"), else absolute. */
function displayPath(file: string): string {
  const relative = path.relative(ROOT, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative.split(path.sep).join('/');
}

/** Parses every file; a syntax error names its file. */
export function parseOperationFiles(files: OperationFile[]): ParsedOperationFile[] {
  return files.map((file) => {
    try {
      return { ...file, document: parse(file.source) };
    } catch (error) {
      throw new Error(`${file.location}: ${(error as Error).message}`);
    }
  });
}

/**
 * Problems with the operation files, each prefixed with its file: syntax errors, schema validation errors
 * (unknown fields, wrong argument types, ...), files that do not hold exactly one named operation, and
 * operation or fragment names used twice. Fragments may be shared between files, as codegen allows.
 * An empty list means every operation is valid against `schema`.
 */
export function operationProblems(files: OperationFile[], schema: GraphQLSchema): string[] {
  const problems: string[] = [];
  const parsed: ParsedOperationFile[] = [];
  for (const file of files) {
    try {
      parsed.push({ ...file, document: parse(file.source) });
    } catch (error) {
      problems.push(`${file.location}: ${(error as Error).message}`);
    }
  }

  const fragments = new Map<string, FragmentDefinitionNode>();
  const definedIn = new Map<string, string>();
  for (const file of parsed) {
    const operations = file.document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    if (operations.length !== 1 || !operations[0]?.name) {
      problems.push(
        `${file.location}: must hold exactly one named operation (found ${operations.length}` +
          `${operations.some((o) => !o.name) ? ', one without a name' : ''})`,
      );
    }
    for (const definition of file.document.definitions) {
      const name = definitionName(definition);
      if (!name) continue;
      const previous = definedIn.get(name);
      if (previous) problems.push(`${file.location}: "${name}" is already defined in ${previous}`);
      else definedIn.set(name, file.location);
      if (definition.kind === Kind.FRAGMENT_DEFINITION && !fragments.has(name)) fragments.set(name, definition);
    }
  }

  for (const file of parsed) {
    for (const error of validate(schema, withBorrowedFragments(file.document, fragments))) {
      const where = error.locations?.[0];
      problems.push(`${file.location}${where ? `:${where.line}:${where.column}` : ''}: ${error.message}`);
    }
  }
  return problems;
}

/** The fragments defined in the files, by name (the first definition of each). */
function fragmentsOf(files: ParsedOperationFile[]): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const file of files) {
    for (const definition of file.document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION && !fragments.has(definition.name.value)) {
        fragments.set(definition.name.value, definition);
      }
    }
  }
  return fragments;
}

/** The document with the fragments it spreads from other files appended: what a client sends for it. */
function withBorrowedFragments(document: DocumentNode, fragments: Map<string, FragmentDefinitionNode>): DocumentNode {
  const own = new Set(document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => d.name.value));
  const borrowed = [...usedFragments(document, fragments)].filter((name) => !own.has(name));
  return {
    kind: Kind.DOCUMENT,
    definitions: [
      ...document.definitions,
      ...borrowed.flatMap((name) => {
        const fragment = fragments.get(name);
        return fragment ? [fragment] : [];
      }),
    ],
  };
}

/** Each file's operation as a client sends it: printed by graphql's `print`, with the fragments it uses. */
export function sentDocuments(files: ParsedOperationFile[]): { location: string; text: string }[] {
  const fragments = fragmentsOf(files);
  return files.map((file) => ({
    location: file.location,
    text: print(withBorrowedFragments(file.document, fragments)),
  }));
}

function definitionName(definition: DefinitionNode): string | undefined {
  return definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION
    ? definition.name?.value
    : undefined;
}

/** Names of the fragments `document` spreads, directly or through other fragments. */
function usedFragments(document: DocumentNode, fragments: Map<string, FragmentDefinitionNode>): Set<string> {
  const used = new Set<string>();
  const pending: DocumentNode['definitions'][number][] = [...document.definitions];
  while (pending.length > 0) {
    const node = pending.pop();
    if (!node) break;
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        if (used.has(name)) return;
        used.add(name);
        const fragment = fragments.get(name);
        if (fragment) pending.push(fragment);
      },
    });
  }
  return used;
}
