/**
 * Facts about a parsed document that several plugins need: a number per document (yoga caches parsed documents,
 * so the same query text is the same DocumentNode), its token count, whether it is introspection only, and the
 * part of the variables that can change its answer.
 */
import { type DocumentNode, type ExecutionArgs, getOperationAST, Kind } from 'graphql';

/** Numbers documents as they are first seen, without keeping them alive (a WeakMap): cache keys name them by it. */
export function documentNumbering(): (document: DocumentNode) => number {
  const numbers = new WeakMap<DocumentNode, number>();
  let next = 0;
  return (document) => {
    let number = numbers.get(document);
    if (number === undefined) {
      number = next++;
      numbers.set(document, number);
    }
    return number;
  };
}

/** The lexical tokens of a parsed document (its location list; documents are parsed with locations). */
export function tokenCount(document: DocumentNode): number {
  let count = 0;
  for (let token = document.loc?.startToken ?? null; token; token = token.next) count++;
  return count;
}

/** True when every root field of the document's operations is introspection (`__schema`, `__type`, `__typename`). */
export function isIntrospectionOnly(document: DocumentNode): boolean {
  return document.definitions.every(
    (definition) =>
      definition.kind !== Kind.OPERATION_DEFINITION ||
      definition.selectionSet.selections.every(
        (selection) => selection.kind === Kind.FIELD && selection.name.value.startsWith('__'),
      ),
  );
}

/**
 * The part of the variables that can change an operation's answer or cost: the values of the variables the
 * operation declares, by name (a JSON object, so a variable left out, which takes its default, differs from
 * an explicit null). Variables it does not declare are ignored by execution and must not vary a cache key:
 * otherwise one document with a large unused variable makes any number of distinct keys. Null when the
 * operation is not in the document (execution reports that).
 */
function declaredVariablesKey(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): string | null {
  const names = declaredNames(document, operationName);
  if (names === null) return null;
  if (names.length === 0 || !variables) return '{}';
  const declared: Record<string, unknown> = {};
  for (const name of names) if (Object.hasOwn(variables, name)) declared[name] = variables[name];
  return JSON.stringify(declared);
}

/** The variables each operation of a document declares, by operation name (looked up once per document). */
const declaredNamesByDocument = new WeakMap<DocumentNode, Map<string | null, string[] | null>>();

/** The names of the variables the operation declares, or null when the document has no such operation. */
function declaredNames(document: DocumentNode, operationName: string | null | undefined): string[] | null {
  let byOperation = declaredNamesByDocument.get(document);
  if (!byOperation) {
    byOperation = new Map();
    declaredNamesByDocument.set(document, byOperation);
  }
  const key = operationName ?? null;
  let names = byOperation.get(key);
  if (names === undefined) {
    const operation = getOperationAST(document, operationName);
    names = operation
      ? (operation.variableDefinitions ?? []).map((definition) => definition.variable.name.value)
      : null;
    // Bounded by the operations the document has, and any names a client sends that it has not (one entry each,
    // kept only while the document is cached): at most a few per document.
    if (operation || byOperation.size < 16) byOperation.set(key, names);
  }
  return names;
}

/** Each request's declared-variables key, by its context (one object per request). */
const declaredKeysByRequest = new WeakMap<
  object,
  { document: DocumentNode; operationName: string | null | undefined; key: string | null }
>();

/**
 * declaredVariablesKey of an execution, computed once per request: the cost limit and the response cache both key
 * on it, and it looks up the operation and serializes the variables.
 */
export function declaredVariablesKeyOf(args: ExecutionArgs): string | null {
  const request = typeof args.contextValue === 'object' && args.contextValue !== null ? args.contextValue : null;
  const known = request ? declaredKeysByRequest.get(request) : undefined;
  if (known && known.document === args.document && known.operationName === args.operationName) return known.key;
  const key = declaredVariablesKey(
    args.document,
    args.operationName,
    args.variableValues as Readonly<Record<string, unknown>> | null | undefined,
  );
  if (request) declaredKeysByRequest.set(request, { document: args.document, operationName: args.operationName, key });
  return key;
}
