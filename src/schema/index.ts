import { type GraphQLAbstractType, isAbstractType, lexicographicSortSchema } from 'graphql';
import { builder } from '../builder.js';
import './affiliation.js';
import './article.js';
import './co-mention.js';
import './entity.js';
import './event.js';
import './event-relation.js';
import './evidence.js';
import './involvement.js';
import './mention.js';
import './node.js';
import './organization.js';
import './organization-relation.js';
import './participation.js';
import './person.js';
import './search.js';
import './stats.js';
import './timeline.js';
import './top-entities.js';

/** The executable schema, types and fields sorted so the printed SDL is stable. */
export const schema = lexicographicSortSchema(builder.toSchema());

/**
 * graphql-jit (see yoga.ts) calls an abstract type's resolveType with three arguments, not graphql-js's four:
 * the abstract type itself is missing, and for an interface without its own resolveType (Node, Entity) Pothos
 * falls back to graphql-js's default resolver, which needs it to ask every possible type's isTypeOf. Passing
 * the type along changes nothing for graphql-js, which already gives it.
 */
for (const type of Object.values(schema.getTypeMap())) {
  if (!isAbstractType(type) || !type.resolveType) continue;
  const abstractType: GraphQLAbstractType = type;
  const resolveType = type.resolveType;
  type.resolveType = (value, context, info, given) => resolveType(value, context, info, given ?? abstractType);
}
