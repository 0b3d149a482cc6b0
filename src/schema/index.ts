import { lexicographicSortSchema } from 'graphql';
import { builder } from '../builder.js';
import './affiliation.js';
import './article.js';
import './claim.js';
import './co-mention.js';
import './data-version.js';
import './entities.js';
import './entity.js';
import './event-relation.js';
import './evidence.js';
import './involvement.js';
import './match.js';
import './mention.js';
import './node.js';
import './organization-relation.js';
import './participation.js';
import './search.js';
import './stats.js';
import './timeline.js';
import './top-entities.js';

/** The executable schema, types and fields sorted so the printed SDL is stable. */
export const schema = lexicographicSortSchema(builder.toSchema());
