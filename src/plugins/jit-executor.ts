/** The graphql-jit executor, and the schema patch graphql-jit needs (used by the server and by the bench's mercurius). */
import {
  type DocumentNode,
  type ExecutionArgs,
  execute,
  type GraphQLAbstractType,
  type GraphQLSchema,
  getOperationAST,
  getVariableValues,
  isAbstractType,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
  valueFromASTUntyped,
} from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';
import type { BoundedCache } from '../bounded-cache.js';
import { isIntrospectionOnly, tokenCount } from './documents.js';

/** What graphql-jit's compiled code for a document takes on the heap, per lexical token (a few times the document). */
const JIT_BYTES_PER_TOKEN = 2_000;

/** A document compiled by graphql-jit for one of its operations, or null when jit cannot compile it. */
export interface JitQuery {
  run: CompiledQuery['query'];
  variableDefinitions: readonly VariableDefinitionNode[];
  /** Variables with a default value, as the client would send it (graphql-jit ignores the default of a `T!`). */
  defaults: [string, unknown][];
}

const patched = new WeakSet<GraphQLSchema>();

/**
 * graphql-jit calls an abstract type's resolveType with three arguments, not graphql-js's four: the abstract type
 * itself is missing, and for an interface or union without its own resolveType (Node, Entity, SearchResult)
 * Pothos falls back to graphql-js's default resolver, which needs it to ask every possible type's isTypeOf (and
 * throws without it, which took the process down). Passing the type along changes nothing for graphql-js, which
 * already gives it. Patches each schema once; returns it.
 */
export function withJitResolveTypes(schema: GraphQLSchema): GraphQLSchema {
  if (patched.has(schema)) return schema;
  patched.add(schema);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isAbstractType(type) || !type.resolveType) continue;
    const abstractType: GraphQLAbstractType = type;
    const resolveType = type.resolveType;
    type.resolveType = (value, context, info, given) => resolveType(value, context, info, given ?? abstractType);
  }
  return schema;
}

/**
 * The executor: graphql-jit compiles a document into JavaScript the second time it is executed (the first
 * run, and introspection, use graphql-js: a query sent once is not worth compiling), which cuts the CPU of
 * executing it by about half. The answers are graphql-js's, byte for byte (tests/request-path-jit.test.ts):
 * - response keys come in the order of the query (GraphQL spec §7.2.2), as with graphql-js's `execute`;
 * - variables are coerced by graphql-js first, so a bad variable fails with graphql-js's message, and a
 *   missing variable takes its default (graphql-jit ignores the default of a non-null variable);
 * - an execution with any error, and a document jit cannot compile, are answered by graphql-js.
 * yoga caches parsed documents (the same query text is the same DocumentNode), so compiled queries are kept
 * per document and operation name, in an LRU bounded by their estimated bytes. graphql-jit needs synchronous
 * resolveType functions that take the abstract type as their fourth argument (withJitResolveTypes).
 */
export function jitExecutor(compileAfter: number, compiledQueries: BoundedCache<JitQuery | null>) {
  const documents = new WeakMap<DocumentNode, { id: number; runs: number }>();
  let nextId = 0;

  const compile = (args: ExecutionArgs, operation: OperationDefinitionNode): JitQuery | null => {
    if (operation.operation !== 'query') return null;
    const compiled = compileQuery(args.schema, args.document, args.operationName ?? undefined, {
      // Errors carry their resolver's stack, or none: capturing one per error is wasted work (never sent).
      disablingCapturingStackErrors: true,
    });
    if (!isCompiledQuery(compiled)) return null;
    const variableDefinitions = operation.variableDefinitions ?? [];
    return {
      run: compiled.query,
      variableDefinitions,
      defaults: variableDefinitions.flatMap((definition) =>
        definition.defaultValue
          ? [[definition.variable.name.value, valueFromASTUntyped(definition.defaultValue)] as [string, unknown]]
          : [],
      ),
    };
  };

  return function jitExecute(args: ExecutionArgs): ReturnType<typeof execute> {
    let document = documents.get(args.document);
    if (!document) {
      document = { id: nextId++, runs: 0 };
      documents.set(args.document, document);
    }
    if (document.runs < compileAfter || isIntrospectionOnly(args.document)) {
      document.runs++;
      return execute(args);
    }
    const name = args.operationName ?? null;
    const key = `${document.id}|${JSON.stringify(name)}`;
    let query = compiledQueries.get(key);
    if (query === undefined) {
      // An operation name the document does not have is graphql-js's to report, and nothing is kept for it.
      const operation = getOperationAST(args.document, name);
      if (!operation) return execute(args);
      query = compile(args, operation);
      compiledQueries.set(key, query, JIT_BYTES_PER_TOKEN * tokenCount(args.document));
    }
    if (query === null) return execute(args);
    const given = (args.variableValues ?? {}) as Record<string, unknown>;
    const coerced = getVariableValues(args.schema, query.variableDefinitions, given, { maxErrors: 50 });
    if (coerced.errors) return { errors: coerced.errors };
    let variables = given;
    for (const [variable, value] of query.defaults) {
      if (!Object.hasOwn(given, variable)) variables = { ...variables, [variable]: value };
    }
    // An execution with errors is answered by graphql-js: which errors it reports when a null propagates (it
    // stops at the first in a subtree; jit runs every sibling), their order, their locations and masking are
    // graphql-js's own. Resolvers only read, and the request's DataLoaders already hold what they load.
    const result = query.run(args.rootValue, args.contextValue, variables) as ReturnType<typeof execute>;
    if ('then' in result) return result.then((done) => (done.errors ? execute(args) : done));
    return result.errors ? execute(args) : result;
  };
}
