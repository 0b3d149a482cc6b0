/**
 * What GraphQL over HTTP asks of a server beyond yoga's defaults: the request shapes accepted, coded bodies for
 * yoga's empty refusals, and operation types the schema lacks refused at validation. (CSRF prevention is
 * @graphql-yoga/plugin-csrf-prevention, with this header.)
 */
import { type ASTVisitor, GraphQLError, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ErrorCode, errorBody, JSON_MEDIA_TYPE } from '../errors.js';

/** The header a browser must send with a GET (CSRF prevention); JSON POSTs need nothing. */
export const CSRF_HEADER = 'x-graphql-yoga-csrf';

/** Media types a POST body may have: GraphQL over HTTP's JSON, and a bare GraphQL document. */
const POST_MEDIA_TYPES = ['application/json', 'application/graphql'];

/** Body types a browser sends cross-site without a preflight. */
const SIMPLE_MEDIA_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'];

/**
 * Requests take the two shapes GraphQL over HTTP defines. A POST body must be JSON (or a bare document):
 * yoga's form-urlencoded and multipart parsers are not needed and crash on malformed input, so those are
 * refused (415). A GET's `variables` and `extensions` must be JSON objects: yoga parses them unguarded.
 */
export function requestShapePlugin(): Plugin {
  const refuse = (fetchAPI: { Response: typeof Response }, status: number, code: ErrorCode, message: string) =>
    new fetchAPI.Response(errorBody(code, message), { status, headers: { 'content-type': JSON_MEDIA_TYPE } });
  return {
    onRequest: ({ request, url, endResponse, fetchAPI }) => {
      // Every path: yoga also serves the endpoint as /graphql/.
      if (request.method === 'POST') {
        const mediaType = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
        // A "simple" body type without the CSRF header is what a cross-site form sends: the CSRF check refuses
        // it (403) in its turn; anything else that is not JSON is refused here.
        const crossSiteForm = SIMPLE_MEDIA_TYPES.includes(mediaType) && !request.headers.has(CSRF_HEADER);
        if (mediaType && !POST_MEDIA_TYPES.includes(mediaType) && !crossSiteForm) {
          endResponse(
            refuse(
              fetchAPI,
              415,
              ErrorCode.UNSUPPORTED_MEDIA_TYPE,
              `A POST body must be application/json, not ${mediaType}.`,
            ),
          );
        }
        return;
      }
      if (request.method !== 'GET') return;
      for (const name of ['variables', 'extensions']) {
        const value = url.searchParams.get(name);
        if (value === null || value === '') continue;
        let parsed: unknown;
        try {
          parsed = JSON.parse(value);
        } catch {
          parsed = undefined;
        }
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
          endResponse(refuse(fetchAPI, 400, ErrorCode.BAD_REQUEST, `The ${name} parameter must be a JSON object.`));
          return;
        }
      }
    },
  };
}

/** yoga answers 406 and 415 with an empty body: give them an error with a code like every other refusal. */
export function emptyRefusalsPlugin(): Plugin {
  const messages: Record<number, [ErrorCode, string]> = {
    406: [
      ErrorCode.NOT_ACCEPTABLE,
      'The Accept header names no media type this server can answer with: use application/graphql-response+json or application/json.',
    ],
    415: [
      ErrorCode.UNSUPPORTED_MEDIA_TYPE,
      'The request body must be application/json (or a GET with the query in the URL).',
    ],
  };
  return {
    onResponse: ({ response, setResponse, fetchAPI }) => {
      const refusal = messages[response.status];
      if (!refusal || response.body !== null) return;
      const [code, message] = refusal;
      setResponse(
        new fetchAPI.Response(errorBody(code, message), {
          status: response.status,
          headers: { 'content-type': JSON_MEDIA_TYPE },
        }),
      );
    },
  };
}

/**
 * An operation whose type the schema does not have (it has queries only) is a validation error, as in the
 * GraphQL specification's "Operation Type Existence" rule (graphql-js 17's KnownOperationTypesRule), rather
 * than graphql-js 16's execution error "Schema is not configured to execute mutation operation".
 */
function knownOperationTypesRule(context: ValidationContext): ASTVisitor {
  const schema = context.getSchema();
  return {
    OperationDefinition: (node) => {
      if (!schema.getRootType(node.operation)) {
        context.reportError(
          new GraphQLError(`The ${node.operation} operation is not supported by the schema.`, { nodes: node }),
        );
      }
    },
  };
}

/** The knownOperationTypesRule as a plugin. */
export function knownOperationTypesPlugin(): Plugin {
  return { onValidate: ({ addValidationRule }) => addValidationRule(knownOperationTypesRule) };
}
