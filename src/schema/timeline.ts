import { builder } from '../builder.js';
import { QueryLimitError, type TimeBucket } from '../data/contract.js';
import { ENTITY_TYPES } from '../data/entity-types.js';
import { badUserInput } from '../errors.js';
import { oneOf } from './shared/entity-lists.js';
import { entityKeyOfId, idOfType, publicationWindowArgs, publicationWindowIsOrdered } from './shared/filters.js';

export const MAX_BUCKETS = 2000;

export const TimeIntervalEnum = builder.enumType('TimeInterval', {
  description: 'The width of a timeline bucket.',
  values: {
    DAY: { description: 'One calendar day.' },
    WEEK: { description: 'An ISO week, Monday to Sunday.' },
    MONTH: { description: 'A calendar month.' },
    YEAR: { description: 'A calendar year.' },
  },
});

export const TimeBucketRef = builder.objectRef<TimeBucket>('TimeBucket');

TimeBucketRef.implement({
  description: 'Activity in one bucket of a timeline.',
  fields: (t) => ({
    start: t.exposeString('start', { description: 'First day of the bucket, "YYYY-MM-DD".' }),
    end: t.exposeString('end', {
      description:
        'Last day of the bucket (inclusive), "YYYY-MM-DD". Never past 9999-12-31: the last week of year 9999 ends there, on a Friday.',
    }),
    articleCount: t.exposeInt('articleCount', {
      description: 'Articles published in the bucket (that mention the entity, when one is given).',
    }),
    mentionCount: t.exposeInt('mentionCount', {
      description: 'Mentions in those articles (of the entity, when one is given; of all entities otherwise).',
    }),
  }),
});

builder.queryFields((t) => ({
  timeline: t.field({
    type: [TimeBucketRef],
    description: `Articles and mentions per bucket, in order, empty buckets included: a chart of when the news spoke (of one entity, or of everything). An open end stops at the first or last article that counts. Buckets are whole (the first starts on or before \`from\`), except that none ends after 9999-12-31. At most ${MAX_BUCKETS} buckets, counted before any is made: a range with more is refused (BAD_USER_INPUT).`,
    args: {
      interval: t.arg({ type: TimeIntervalEnum, required: true, description: 'Width of each bucket.' }),
      ...publicationWindowArgs(t.arg),
      entity: t.arg.id({
        required: false,
        description: `Count only articles that mention this entity (the ID of a ${oneOf(ENTITY_TYPES)}).`,
        validate: idOfType(...ENTITY_TYPES),
      }),
    },
    validate: publicationWindowIsOrdered,
    resolve: async (_root, args, { source }) => {
      try {
        return await source.timeline({
          interval: args.interval,
          from: args.from,
          to: args.to,
          entity: args.entity == null ? null : entityKeyOfId(args.entity),
          maxBuckets: MAX_BUCKETS,
        });
      } catch (error) {
        if (error instanceof QueryLimitError) throw badUserInput(error.message);
        throw error;
      }
    },
  }),
}));
