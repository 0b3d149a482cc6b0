import { builder } from '../builder.js';
import type { CorpusStats } from '../data/contract.js';
import { ENTITY_TYPE_INFO, ENTITY_TYPES } from '../data/entity-types.js';

export const StatsRef = builder.objectRef<CorpusStats & { dataVersion: string }>('Stats');

StatsRef.implement({
  description: 'Counts over the whole corpus, for dashboards.',
  fields: (t) => ({
    articles: t.exposeInt('articles', { description: 'Number of articles.' }),
    ...Object.fromEntries(
      ENTITY_TYPES.map((type) => {
        const { plural } = ENTITY_TYPE_INFO[type];
        return [plural, t.exposeInt(plural, { description: `Number of ${plural}.` })];
      }),
    ),
    mentions: t.exposeInt('mentions', { description: 'Number of mentions of entities in all article bodies.' }),
    relationships: t.exposeInt('relationships', {
      description:
        'Number of relationships: affiliations, participations, involvements, organization and event relations.',
    }),
    dataVersion: t.exposeString('dataVersion', {
      description:
        'Content hash of the data these counts describe (also in every response’s `extensions.dataVersion`).',
    }),
  }),
});

builder.queryFields((t) => ({
  stats: t.field({
    type: StatsRef,
    description: 'Counts over the whole corpus.',
    resolve: async (_root, _args, { source, dataVersion }) => ({ ...(await source.stats()), dataVersion }),
  }),
}));
