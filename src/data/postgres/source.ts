/**
 * The PostgreSQL store: one dataset version (a schema written by an import) behind the data contract. Every batch
 * is one statement whatever its size (pages of many parents are UNION ALL branches of one statement, each an
 * index seek); lists are read by keyset on the sort keys the import stored, compared with COLLATE "C", so their
 * orders are the contract's, the memory store's, byte for byte; counts only when a window asks.
 */
import type pg from 'pg';
import {
  type ArticleListQuery,
  articleOrderKey,
  articleOrderOf,
  CLAIMS,
  type ClaimFilter,
  CO_MENTIONS,
  type CoMention,
  type CorpusStats,
  type CostFacts,
  type EntityCount,
  type EntityListQuery,
  entityOrderKey,
  entityOrderOf,
  foldText,
  MENTIONS_IN_ARTICLE,
  MENTIONS_OF_ENTITY,
  type MentionCounts,
  type NewsDataSource,
  type OffsetWindow,
  type OrderKey,
  type Page,
  type Position,
  QueryLimitError,
  type SearchHighlight,
  type SearchHit,
  type SearchResults,
  type SearchTarget,
  type TimeBucket,
  type Window,
} from '../contract.js';
import { bucketCount, buckets, dayRange, intersection, periodsOf, type TimeInterval, windowRange } from '../dates.js';
import { ENTITY_TYPES, type EntityRecordOf, type EntityType } from '../entity-types.js';
import {
  type MatchCandidate,
  type MatchQuery,
  nameForms,
  type PreparedName,
  prepareName,
  rankCandidates,
  scoreCandidate,
} from '../match.js';
import { highlightWords } from '../memory/search-index.js';
import { queryTerms } from '../memory/text-index.js';
import type {
  AffiliationRecord,
  ArticleRecord,
  ClaimRecord,
  EntityKey,
  EntityRecord,
  EventRelationRecord,
  InvolvementRecord,
  MentionRecord,
  OrganizationRelationRecord,
  ParticipationRecord,
} from '../records.js';
import type { RequestWork } from '../request-work.js';
import { DataUnavailableError, isConnectionError } from '../unavailable.js';
import type { DatasetFacts } from './facts.js';
import { candidatesSql } from './match.js';
import { expandQuery, rankingSql, scoreHit } from './search.js';
import { containsPattern, type KeyColumn, keysetCondition, orderBySql, Params, quoteIdentifier } from './sql.js';

/** Where a store's statements go: a pool (the server) or anything with its query method. */
export type Queryable = Pick<pg.Pool, 'query'>;

/** One list's rows before the window: FROM and WHERE, what to select, and its order's columns. */
interface ListSql {
  from: string;
  select: string;
  columns: KeyColumn[];
  key: OrderKey;
  /** The list's length without a statement (an unfiltered list), or null to count. */
  knownTotal: number | null;
  /** An expression that gives the list's length more cheaply than counting it (a rollup), if any. */
  totalSql?: (params: Params) => string;
}

interface PageRow {
  q: number;
  items: Record<string, unknown>[];
  total: string | number | null;
  at_or_before_after: boolean;
  at_or_after_before: boolean;
  beyond_empty: boolean;
}

/** The columns of a claim's position (claimPosition), in the CLAIMS order. */
const CLAIM_COLUMNS: KeyColumn[] = [
  { sql: 'c.as_of', part: 'date' },
  { sql: 'c.article', part: 'text' },
  { sql: 'c.start', part: 'integer' },
  { sql: 'c.entity', part: 'text' },
  { sql: 'c.property_rank', part: 'integer' },
  { sql: 'c.value_key', part: 'text' },
];

function entityKeyOf(key: string): EntityKey {
  const colon = key.indexOf(':');
  return { type: key.slice(0, colon) as EntityType, slug: key.slice(colon + 1) };
}

export class PostgresSource implements NewsDataSource {
  readonly version: string;
  /** Statements sent, by this store (tests and the bench read it: statements per GraphQL operation). */
  statements = 0;
  private readonly s: string;

  constructor(
    private readonly db: Queryable,
    schema: string,
    readonly datasetId: number,
    version: string,
    private readonly facts: DatasetFacts,
    /** Told when a statement finds the database gone (the holder then probes until it is back). */
    private readonly onUnavailable?: (error: unknown) => void,
  ) {
    this.version = version;
    this.s = quoteIdentifier(schema);
  }

  /** Sends one statement; a lost database is DataUnavailableError (SERVICE_UNAVAILABLE), never a driver error. */
  /**
   * The statements sent in the current turn of the event loop: DataLoader sends a request's batches of one level
   * together (one wave), and each answers only when all of them have, so the next level's loads form one wave again,
   * as over the memory store. Without this, answers arriving one by one split a level's loads into several waves,
   * and the statements per operation would depend on timing rather than on the query.
   */
  private wave: Promise<unknown>[] | null = null;

  /** Sends one statement; a lost database is DataUnavailableError (SERVICE_UNAVAILABLE), never a driver error. */
  private async run<R extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<R[]> {
    this.statements++;
    if (!this.wave) {
      const wave: Promise<unknown>[] = [];
      this.wave = wave;
      process.nextTick(() => {
        if (this.wave === wave) this.wave = null;
      });
    }
    const wave = this.wave;
    const sent = this.db.query<R>(sql, values);
    wave.push(sent);
    try {
      const result = await sent;
      await Promise.allSettled(wave);
      return result.rows;
    } catch (error) {
      await Promise.allSettled(wave);
      if (isConnectionError(error)) {
        this.onUnavailable?.(error);
        throw new DataUnavailableError('the database is unavailable', { cause: error });
      }
      throw error;
    }
  }

  costFacts(): CostFacts {
    return this.facts.costFacts;
  }

  // ───────────── records by key ─────────────

  async articlesBySlug(slugs: readonly string[]): Promise<(ArticleRecord | null)[]> {
    if (slugs.length === 0) return [];
    const rows = await this.run<ArticleRecord>(
      `SELECT slug, headline, published_at AS "publishedAt", published_at_text AS "publishedAtText", source, body
       FROM ${this.s}.articles WHERE slug = ANY($1::text[])`,
      [slugs],
    );
    const bySlug = new Map(rows.map((row) => [row.slug, { ...row }]));
    return slugs.map((slug) => bySlug.get(slug) ?? null);
  }

  private async entitiesBySlug<T extends EntityType>(type: T, slugs: readonly string[]) {
    if (slugs.length === 0) return [];
    const rows = await this.run<{ slug: string; record: EntityRecordOf<T> }>(
      `SELECT slug, record FROM ${this.s}.entities WHERE type = $1 AND slug = ANY($2::text[])`,
      [type, slugs],
    );
    const bySlug = new Map(rows.map((row) => [row.slug, row.record]));
    return slugs.map((slug) => bySlug.get(slug) ?? null);
  }
  personsBySlug(slugs: readonly string[]) {
    return this.entitiesBySlug('Person', slugs);
  }
  organizationsBySlug(slugs: readonly string[]) {
    return this.entitiesBySlug('Organization', slugs);
  }
  eventsBySlug(slugs: readonly string[]) {
    return this.entitiesBySlug('Event', slugs);
  }

  // ───────────── relationship lists, whole, by key ─────────────

  /** The rows of `table` whose `ends` column (either, for relations) is each key, in file order. */
  private async groups<T>(
    table: string,
    ends: readonly string[],
    keys: readonly string[],
    toRecord: (row: Record<string, unknown>) => T,
  ): Promise<T[][]> {
    if (keys.length === 0) return [];
    const match = ends.map((end) => `r.${quoteIdentifier(end)} = k.key`).join(' OR ');
    const rows = await this.run<Record<string, unknown> & { n: string }>(
      `SELECT k.n, r.* FROM unnest($1::text[]) WITH ORDINALITY AS k(key, n)
       JOIN ${this.s}.${table} r ON ${match} ORDER BY k.n, r.ord`,
      [keys],
    );
    const groups: T[][] = keys.map(() => []);
    for (const row of rows) groups[Number(row.n) - 1]?.push(toRecord(row));
    return groups;
  }

  affiliationsByPerson(slugs: readonly string[]) {
    return this.groups('affiliations', ['person'], slugs, affiliation);
  }
  affiliationsByOrganization(slugs: readonly string[]) {
    return this.groups('affiliations', ['organization'], slugs, affiliation);
  }
  participationsByPerson(slugs: readonly string[]) {
    return this.groups('participations', ['person'], slugs, participation);
  }
  participationsByEvent(slugs: readonly string[]) {
    return this.groups('participations', ['event'], slugs, participation);
  }
  involvementsByOrganization(slugs: readonly string[]) {
    return this.groups('involvements', ['organization'], slugs, involvement);
  }
  involvementsByEvent(slugs: readonly string[]) {
    return this.groups('involvements', ['event'], slugs, involvement);
  }
  organizationRelationsByOrganization(slugs: readonly string[]) {
    return this.groups('organization_relations', ['from', 'to'], slugs, organizationRelation);
  }
  eventRelationsByEvent(slugs: readonly string[]) {
    return this.groups('event_relations', ['from', 'to'], slugs, eventRelation);
  }

  // ───────────── paged lists ─────────────

  /**
   * One page per list, all in one statement: per list a branch selecting the page (one row more than asked, to
   * know whether more follow), and only when needed its count and whether items lie beyond the window's bounds.
   */
  private async pages(
    queries: readonly { list: (params: Params) => ListSql; window: Window }[],
  ): Promise<Page<Record<string, unknown>>[]> {
    if (queries.length === 0) return [];
    // Each query's branch, with parameters of its own ($1… in its text).
    const built = queries.map(({ list: make, window }) => {
      const params = new Params();
      const list = make(params);
      return { list, window, params, sql: this.pageSql(list, window, params) };
    });
    // Queries of one shape (the same text: the same list, filters, order, direction) run as one LATERAL subquery
    // over their parameters unnested as arrays: planned once however many parents the batch has. A shape whose
    // parameters are arrays themselves runs as a branch of its own.
    const shapes = new Map<string, number[]>();
    built.forEach(({ sql, params }, q) => {
      const key = params.types.some((type) => type.endsWith('[]')) ? `${q}\0${sql}` : sql;
      shapes.set(key, [...(shapes.get(key) ?? []), q]);
    });
    const all = new Params();
    const branches = [...shapes.values()].map((members) => {
      const first = built[members[0] as number] as (typeof built)[number];
      const arrays = first.params.types.map((type, i) =>
        all.add(
          members.map((q) => (built[q] as (typeof built)[number]).params.values[i]),
          `${type}[]`,
        ),
      );
      const columns = first.params.types.map((_, i) => `p${i + 1}`);
      const body = first.sql.replace(/\$(\d+)::[a-z0-9_]+(\[\])?/g, (_match, n: string) => `w.p${n}`);
      return `SELECT w.q, b.* FROM unnest(${[all.add(members, 'integer[]'), ...arrays].join(', ')})
        AS w(${['q', ...columns].join(', ')}) CROSS JOIN LATERAL (${body}) b`;
    });
    const rows = await this.run<PageRow>(branches.map((branch) => `(${branch})`).join('\nUNION ALL\n'), all.values);
    const byQuery = new Map(rows.map((row) => [Number(row.q), row]));
    return built.map(({ list, window }, q) => {
      const row = byQuery.get(q) as PageRow;
      const backward = window.direction === 'BACKWARD';
      const size = Math.max(0, window.size);
      let items = row.items;
      const more = items.length > size;
      items = items.slice(0, size);
      if (backward) items.reverse();
      return {
        items: items.map((item) => ({
          item,
          position: list.columns.map((_, i) => item[`k${i}`] ?? null) as Position,
        })),
        totalCount: row.total === null ? -1 : Number(row.total),
        // FORWARD: before is at or before `after`; after is beyond the page's last item: more within the bounds, or
        // at or after `before`; for an empty page, anything after `after`. BACKWARD: the mirror image.
        hasBefore: backward
          ? items.length > 0
            ? more || row.at_or_before_after
            : row.beyond_empty
          : row.at_or_before_after,
        hasAfter: backward
          ? row.at_or_after_before
          : items.length > 0
            ? more || row.at_or_after_before
            : row.beyond_empty,
      };
    });
  }

  /** One page's statement: its items (one more than asked, to know whether more follow), count and bounds. */
  private pageSql(list: ListSql, window: Window, params: Params): string {
    const backward = window.direction === 'BACKWARD';
    const bounds: string[] = [];
    const after = window.after ? keysetCondition(list.columns, list.key, window.after, 'after', params) : null;
    const before = window.before ? keysetCondition(list.columns, list.key, window.before, 'before', params) : null;
    if (after) bounds.push(after);
    if (before) bounds.push(before);
    const where = bounds.length ? ` AND ${bounds.join(' AND ')}` : '';
    const keys = list.columns.map((column, i) => `${column.sql} AS k${i}`).join(', ');
    const page = `SELECT ${list.select}, ${keys} FROM ${list.from}${where}
      ORDER BY ${orderBySql(list.columns, list.key, backward)} LIMIT ${params.add(Math.max(0, window.size) + 1, 'integer')}`;
    const exists = (condition: string) => `EXISTS (SELECT 1 FROM ${list.from} AND ${condition})`;
    // Beyond the bounds: at or before `after`, at or after `before` (see Page in the contract); and for an empty
    // page, which has no first or last item: anything after `after` (FORWARD), before `before` (BACKWARD).
    const atOrBeforeAfter = after ? exists(`NOT ${after}`) : 'false';
    const atOrAfterBefore = before ? exists(`NOT ${before}`) : 'false';
    const fromEmpty = backward ? exists(before ?? 'true') : exists(after ?? 'true');
    const total =
      window.count === false
        ? 'NULL'
        : list.knownTotal !== null
          ? String(list.knownTotal)
          : (list.totalSql?.(params) ?? `(SELECT count(*) FROM ${list.from})`);
    return `SELECT
      (SELECT coalesce(json_agg(p ORDER BY p.n), '[]') FROM (SELECT row_number() OVER () AS n, x.* FROM (${page}) x) p) AS items,
      (${total})::bigint AS total, ${atOrBeforeAfter} AS at_or_before_after, ${atOrAfterBefore} AS at_or_after_before,
      ${fromEmpty} AS beyond_empty`;
  }

  async listArticles(queries: readonly ArticleListQuery[], work?: RequestWork): Promise<Page<string>[]> {
    if (queries.length === 0) return [];
    // Text filters: their words' terms first (one statement for every distinct text of the batch).
    const texts = [...new Set(queries.map((query) => query.filter.text).filter((text): text is string => !!text))];
    const tsqueries = new Map<string, string | null>();
    if (texts.length) {
      const expansions = await expandQuery(
        (sql, values) => this.run(sql, values),
        this.s,
        texts.map((text) => queryTerms(text)),
        ['headline', 'body'],
      );
      texts.forEach((text, i) => {
        tsqueries.set(text, expansions[i]?.tsquery ?? null);
      });
    }
    work?.check();
    const pages = await this.pages(
      queries.map((query) => ({
        list: (params: Params) => this.articleList(query, params, tsqueries),
        window: query.window,
      })),
    );
    return pages.map((page) => ({
      ...page,
      items: page.items.map(({ item, position }) => ({ item: item.slug as string, position })),
    }));
  }

  private articleList(query: ArticleListQuery, params: Params, tsqueries: Map<string, string | null>): ListSql {
    const { filter } = query;
    const order = articleOrderOf(query);
    const conditions: string[] = [];
    const mentions = [...new Set(filter.mentions ?? [])];
    // Newest first with entities: read the first entity's articles in order from its own index (article_entities
    // keeps each article's sort key), the other conditions checked on the way.
    const byEntity = order.field === 'PUBLISHED_AT' && mentions.length > 0;
    let from = `${this.s}.articles a`;
    if (byEntity) {
      from = `${this.s}.article_entities m0 JOIN ${this.s}.articles a ON a.slug = m0.article`;
      conditions.push(`m0.entity = ${params.add(mentions[0], 'text')}`);
    }
    for (const entity of byEntity ? mentions.slice(1) : mentions) {
      conditions.push(
        `EXISTS (SELECT 1 FROM ${this.s}.article_entities m WHERE m.article = a.slug AND m.entity = ${params.add(entity, 'text')})`,
      );
    }
    if (filter.publishedFrom || filter.publishedTo) {
      const window = windowRange(filter.publishedFrom, filter.publishedTo);
      conditions.push(
        `a.day_first <= ${params.add(window.last, 'text')} AND a.day_last >= ${params.add(window.first, 'text')}`,
      );
    }
    if (filter.text) {
      const tsquery = tsqueries.get(filter.text);
      conditions.push(tsquery ? `a.terms @@ ${params.add(tsquery, 'tsquery')}` : 'false');
    }
    const onlyOneEntity = byEntity && conditions.length === 1;
    return {
      from: `${from} WHERE ${conditions.length ? conditions.join(' AND ') : 'true'}`,
      select: 'a.slug',
      columns:
        order.field === 'HEADLINE'
          ? [
              { sql: 'a.headline_key', part: 'text' },
              { sql: 'a.slug', part: 'text' },
            ]
          : byEntity
            ? [
                { sql: 'm0.published_key', part: 'date' },
                { sql: 'm0.article', part: 'text' },
              ]
            : [
                { sql: 'a.published_key', part: 'date' },
                { sql: 'a.slug', part: 'text' },
              ],
      key: articleOrderKey(order),
      knownTotal: conditions.length ? null : this.facts.stats.articles,
      // One entity's articles: its count, kept by the import.
      totalSql: onlyOneEntity
        ? (more) =>
            `(SELECT coalesce(max(article_count), 0) FROM ${this.s}.entities WHERE key = ${more.add(mentions[0], 'text')})`
        : undefined,
    };
  }

  private async listEntities<T extends EntityType>(
    type: T,
    queries: readonly EntityListQuery<T>[],
  ): Promise<Page<string>[]> {
    if (queries.length === 0) return [];
    const pages = await this.pages(
      queries.map((query) => ({
        list: (params: Params) => this.entityList(type, query, params),
        window: query.window,
      })),
    );
    return pages.map((page) => ({
      ...page,
      items: page.items.map(({ item, position }) => ({ item: item.slug as string, position })),
    }));
  }

  private entityList<T extends EntityType>(type: T, query: EntityListQuery<T>, params: Params): ListSql {
    const filter = query.filter as EntityListQuery<'Person'>['filter'] &
      EntityListQuery<'Organization'>['filter'] &
      EntityListQuery<'Event'>['filter'];
    const order = entityOrderOf(query);
    if (
      filter.mentionedIn &&
      order.field === 'FIRST_MENTION' &&
      Object.entries(filter).every(([name, value]) => name === 'mentionedIn' || value == null)
    ) {
      return this.entitiesMentionedIn(type, filter.mentionedIn, entityOrderKey(order), params);
    }
    const conditions = [`e.type = ${params.add(type, 'text')}`];
    let from = `${this.s}.entities e`;
    if (filter.mentionedIn) {
      from += ` JOIN ${this.s}.article_entities ae ON ae.entity = e.key AND ae.article = ${params.add(filter.mentionedIn, 'text')}`;
    }
    if (filter.nameContains) {
      conditions.push(`e.folded_names LIKE ${params.add(containsPattern(foldText(filter.nameContains)), 'text')}`);
    }
    if (type === 'Person') {
      if (filter.nationality) conditions.push(`${params.add(filter.nationality, 'text')} = ANY(e.nationalities)`);
      if (filter.affiliatedWith) {
        conditions.push(
          `EXISTS (SELECT 1 FROM ${this.s}.affiliations f WHERE f.person = e.slug AND f.organization = ${params.add(filter.affiliatedWith, 'text')})`,
        );
      }
    }
    if (type === 'Organization' || type === 'Event') {
      if (filter.kind) conditions.push(`e.kind = ${params.add(filter.kind, 'text')}`);
    }
    if (type === 'Organization') {
      if (filter.country) conditions.push(`e.country = ${params.add(filter.country, 'text')}`);
      if (filter.partOf) conditions.push(`${params.add(filter.partOf, 'text')} = ANY(e.ancestors)`);
    }
    if (type === 'Event') {
      if (filter.location) {
        conditions.push(`strpos(e.location_folded, ${params.add(foldText(filter.location), 'text')}) > 0`);
      }
      if (filter.involves) {
        conditions.push(
          `EXISTS (SELECT 1 FROM ${this.s}.involvements i WHERE i.event = e.slug AND i.organization = ${params.add(filter.involves, 'text')})`,
        );
      }
      if (filter.from || filter.to) {
        const window = windowRange(filter.from, filter.to);
        conditions.push(
          `e.day_first IS NOT NULL AND e.day_first COLLATE "C" <= ${params.add(window.last, 'text')} AND e.day_last COLLATE "C" >= ${params.add(window.first, 'text')}`,
        );
      }
    }
    const name: KeyColumn = { sql: 'e.name_key', part: 'text' };
    const slug: KeyColumn = { sql: 'e.slug', part: 'text' };
    const columns: KeyColumn[] =
      order.field === 'NAME'
        ? [name, slug]
        : order.field === 'ARTICLE_COUNT'
          ? [{ sql: 'e.article_count', part: 'integer' }, name, slug]
          : order.field === 'MENTION_COUNT'
            ? [{ sql: 'e.mention_count', part: 'integer' }, name, slug]
            : order.field === 'START_DATE'
              ? [{ sql: 'e.start_key', part: 'date' }, name, slug]
              : [{ sql: filter.mentionedIn ? 'ae.first_start' : '0', part: 'integer' }, slug];
    const unfiltered = conditions.length === 1 && !filter.mentionedIn;
    return {
      from: `${from} WHERE ${conditions.join(' AND ')}`,
      select: 'e.slug',
      columns,
      key: entityOrderKey(order),
      knownTotal: unfiltered ? this.entityTotal(type) : null,
    };
  }

  /**
   * The entities of one type an article mentions, in the order of their first mention: one range of the article's
   * keys in article_entities (its entity keys, `Type:slug`, run from `Type:` to `Type;`), without the entities
   * table (an article page's persons and organizations, for every article of the page).
   */
  private entitiesMentionedIn(type: EntityType, article: string, key: OrderKey, params: Params): ListSql {
    const prefix = params.add(`${type}:`, 'text');
    const slug = `substr(ae.entity, length(${prefix}) + 1)`;
    return {
      from: `${this.s}.article_entities ae WHERE ae.article = ${params.add(article, 'text')}
        AND ae.entity > ${prefix} AND ae.entity < ${params.add(`${type};`, 'text')}`,
      select: `${slug} AS slug`,
      columns: [
        { sql: 'ae.first_start', part: 'integer' },
        { sql: slug, part: 'text' },
      ],
      key,
      knownTotal: null,
    };
  }

  private entityTotal(type: EntityType): number {
    const stats = this.facts.stats as unknown as Record<string, number>;
    return stats[{ Person: 'persons', Organization: 'organizations', Event: 'events' }[type]] ?? 0;
  }

  listPersons(queries: readonly EntityListQuery<'Person'>[]) {
    return this.listEntities('Person', queries);
  }
  listOrganizations(queries: readonly EntityListQuery<'Organization'>[]) {
    return this.listEntities('Organization', queries);
  }
  listEvents(queries: readonly EntityListQuery<'Event'>[]) {
    return this.listEntities('Event', queries);
  }

  async listMentionsInArticle(queries: readonly { article: string; window: Window }[]): Promise<Page<MentionRecord>[]> {
    const lists = queries.map(({ article, window }) => ({
      list: (params: Params): ListSql => ({
        from: `${this.s}.mentions m WHERE m.article = ${params.add(article, 'text')}`,
        select: 'm.article, m.entity, m.text, m.start, m."end"',
        columns: [
          { sql: 'm.start', part: 'integer' },
          { sql: 'm."end"', part: 'integer' },
          { sql: 'm.entity', part: 'text' },
        ] satisfies KeyColumn[],
        key: MENTIONS_IN_ARTICLE,
        knownTotal: null,
      }),
      window,
    }));
    return (await this.pages(lists)).map(mentionPage);
  }

  async listMentionsOfEntity(queries: readonly { entity: string; window: Window }[]): Promise<Page<MentionRecord>[]> {
    const lists = queries.map(({ entity, window }) => ({
      list: (params: Params): ListSql => ({
        from: `${this.s}.mentions m WHERE m.entity = ${params.add(entity, 'text')}`,
        select: 'm.article, m.entity, m.text, m.start, m."end"',
        columns: [
          { sql: 'm.published_key', part: 'date' },
          { sql: 'm.article', part: 'text' },
          { sql: 'm.start', part: 'integer' },
        ] satisfies KeyColumn[],
        key: MENTIONS_OF_ENTITY,
        knownTotal: null,
        totalSql: (more: Params) =>
          `(SELECT coalesce(max(mention_count), 0) FROM ${this.s}.entities WHERE key = ${more.add(entity, 'text')})`,
      }),
      window,
    }));
    return (await this.pages(lists)).map(mentionPage);
  }

  async listCoMentions(queries: readonly { entity: string; window: Window }[]): Promise<Page<CoMention>[]> {
    const lists = queries.map(({ entity, window }) => ({
      list: (params: Params): ListSql => ({
        from: `${this.s}.co_mentions c WHERE c.entity = ${params.add(entity, 'text')}`,
        select: 'c.other, c.shared',
        columns: [
          { sql: 'c.shared', part: 'integer' },
          { sql: 'c.other_name_key', part: 'text' },
          { sql: 'c.other', part: 'text' },
        ] satisfies KeyColumn[],
        key: CO_MENTIONS,
        knownTotal: null,
        // Its length, kept by the import (counting reads every pair of a busy entity).
        totalSql: (more: Params) =>
          `(SELECT coalesce(max(co_mention_count), 0) FROM ${this.s}.entities WHERE key = ${more.add(entity, 'text')})`,
      }),
      window,
    }));
    return (await this.pages(lists)).map((page) => ({
      ...page,
      items: page.items.map(({ item, position }) => ({
        item: { entity: entityKeyOf(item.other as string), sharedArticles: Number(item.shared) },
        position,
      })),
    }));
  }

  // ───────────── search ─────────────

  async search(
    query: string,
    types: readonly SearchTarget[] | null | undefined,
    window: OffsetWindow,
    work?: RequestWork,
  ): Promise<SearchResults> {
    const words = queryTerms(query);
    if (words.length === 0) return { totalCount: 0, hits: [] };
    const [expansion] = await expandQuery(
      (sql, values) => this.run(sql, values),
      this.s,
      [words],
      ['names', 'headline', 'body'],
    );
    if (!expansion?.tsquery) return { totalCount: 0, hits: [] };
    work?.check();
    const wanted = types && types.length > 0 ? new Set(types) : new Set<SearchTarget>(['Article', ...ENTITY_TYPES]);
    const stats = this.facts.search;
    const params = new Params();
    const sql = rankingSql(this.s, expansion, stats, wanted, query, window, params);
    const rows = await this.run<{
      type: SearchTarget;
      slug: string;
      total: string;
      exact: boolean;
      length_title: number;
      length_body: number;
      matched: { lexeme: string; positions: number[]; weights: string[] }[];
    }>(sql, params.values);
    const hits: SearchHit[] = rows
      .filter((row) => row.slug !== null)
      .map((row) => ({
        type: row.type,
        slug: row.slug,
        score: scoreHit(row, expansion, stats),
      }));
    // The exact scores (summed as the memory index sums them) may swap two hits whose database sums tie.
    hits.sort((a, b) => b.score - a.score || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
    return { totalCount: Number(rows[0]?.total ?? 0), hits };
  }

  async searchHighlights(requests: readonly { query: string; hit: SearchHit }[]): Promise<SearchHighlight[][]> {
    if (requests.length === 0) return [];
    const keys = requests.map(({ hit }) => `${hit.type}:${hit.slug}`);
    const rows = await this.run<{
      key: string;
      name: string | null;
      aliases: string[] | null;
      headline: string | null;
      body: string | null;
    }>(
      `SELECT e.key, e.name, e.aliases, NULL AS headline, NULL AS body FROM ${this.s}.entities e WHERE e.key = ANY($1::text[])
       UNION ALL
       SELECT 'Article:' || a.slug, NULL, NULL, a.headline, a.body FROM ${this.s}.articles a
       WHERE a.slug = ANY($2::text[])`,
      [keys, requests.filter(({ hit }) => hit.type === 'Article').map(({ hit }) => hit.slug)],
    );
    const byKey = new Map(rows.map((row) => [row.key, row]));
    return requests.map(({ query, hit }, i) => {
      const row = byKey.get(keys[i] as string);
      if (!row) return [];
      const terms = queryTerms(query);
      if (hit.type === 'Article') {
        return [
          ...highlightWords(row.headline ?? '', terms, 'HEADLINE'),
          ...highlightWords(row.body ?? '', terms, 'BODY'),
        ];
      }
      return [
        ...highlightWords(row.name ?? '', terms, 'NAME'),
        ...(row.aliases ?? []).flatMap((alias) => highlightWords(alias, terms, 'ALIAS', alias)),
      ];
    });
  }

  // ───────────── aggregates ─────────────

  async stats(): Promise<CorpusStats> {
    return { ...this.facts.stats };
  }

  async mentionCountsByEntity(keys: readonly string[]): Promise<MentionCounts[]> {
    if (keys.length === 0) return [];
    const rows = await this.run<{ n: string; article_count: number | null; mention_count: number | null }>(
      `SELECT k.n, e.article_count, e.mention_count FROM unnest($1::text[]) WITH ORDINALITY AS k(key, n)
       LEFT JOIN ${this.s}.entities e ON e.key = k.key ORDER BY k.n`,
      [keys],
    );
    return rows.map((row) => ({ articleCount: row.article_count ?? 0, mentionCount: row.mention_count ?? 0 }));
  }

  async topEntities(query: {
    types: readonly EntityType[];
    from?: string | null;
    to?: string | null;
    limit: number;
  }): Promise<EntityCount[]> {
    if (query.types.length === 0 || query.limit <= 0) return [];
    // The ranking (contract TOP_ENTITIES): most articles, then most mentions, then name and key in code units.
    const rankedBy = (name: string, key: string) =>
      `ORDER BY articles DESC, mentions DESC, ${name} COLLATE "C", ${key} COLLATE "C"`;
    type Row = { key: string; articles: number; mentions: number };
    let rows: Row[];
    if (query.from || query.to) {
      // The window's days that can hold articles, as whole years, months and days (the period rollup's rows).
      const published = this.facts.costFacts.published;
      const days = published ? intersection(windowRange(query.from, query.to), published) : null;
      if (!days) return [];
      const periods = periodsOf(days);
      rows =
        periods.length === 1
          ? // One period (a year, a month, a day): its rows in the ranking's order, from the index.
            await this.run<Row>(
              `SELECT entity AS key, articles, mentions, name_key FROM ${this.s}.entity_periods
               WHERE period = $1 AND type = ANY($2::text[])
               ${rankedBy('name_key', 'entity')} LIMIT $3`,
              [periods[0], query.types, query.limit],
            )
          : await this.run<Row>(
              `SELECT entity AS key, sum(articles)::integer AS articles, sum(mentions)::integer AS mentions,
                      min(name_key) COLLATE "C" AS name_key
               FROM ${this.s}.entity_periods WHERE period = ANY($1::text[]) AND type = ANY($2::text[])
               GROUP BY entity ${rankedBy('min(name_key)', 'entity')} LIMIT $3`,
              [periods, query.types, query.limit],
            );
    } else {
      rows = await this.run<Row>(
        `SELECT key, article_count AS articles, mention_count AS mentions, name_key FROM ${this.s}.entities
         WHERE type = ANY($1::text[]) AND article_count > 0 ${rankedBy('name_key', 'key')} LIMIT $2`,
        [query.types, query.limit],
      );
    }
    return rows.map((row) => ({
      entity: entityKeyOf(row.key),
      articleCount: row.articles,
      mentionCount: row.mentions,
    }));
  }

  async timeline(query: {
    interval: TimeInterval;
    from?: string | null;
    to?: string | null;
    entity?: string | null;
    maxBuckets: number;
  }): Promise<TimeBucket[]> {
    // An open end stops at the first or last article that counts.
    let first = query.from ? dayRange(query.from).first : undefined;
    let last = query.to ? dayRange(query.to).last : undefined;
    if (!first || !last) {
      let span: { first: string; last: string } | null;
      if (query.entity) {
        const rows = await this.run<{ first_day: string | null; last_day: string | null }>(
          `SELECT first_day, last_day FROM ${this.s}.entities WHERE key = $1`,
          [query.entity],
        );
        const row = rows[0];
        span = row?.first_day && row.last_day ? { first: row.first_day, last: row.last_day } : null;
      } else {
        span = this.facts.costFacts.published;
      }
      first ??= span?.first;
      last ??= span?.last;
    }
    if (!first || !last || first > last) return [];
    const count = bucketCount({ first, last }, query.interval);
    if (count > query.maxBuckets) {
      throw new QueryLimitError(
        `the range ${first} to ${last} has ${count} ${query.interval} buckets, more than the ${query.maxBuckets} allowed: narrow it or use a longer interval`,
      );
    }
    const ranges = buckets({ first, last }, query.interval);
    // Each bucket's days that can hold articles, as whole periods (a MONTH bucket is one row of the rollup).
    const published = this.facts.costFacts.published;
    const bucketOf: number[] = [];
    const periods: string[] = [];
    ranges.forEach((range, n) => {
      const days = published ? intersection(range, published) : null;
      for (const period of days ? periodsOf(days) : []) {
        bucketOf.push(n);
        periods.push(period);
      }
    });
    const counts = ranges.map(() => ({ articleCount: 0, mentionCount: 0 }));
    if (periods.length > 0) {
      const rollup = query.entity
        ? `${this.s}.entity_periods d ON d.entity = $3 AND d.period = b.period`
        : `${this.s}.corpus_periods d ON d.period = b.period`;
      const rows = await this.run<{ n: number; articles: number; mentions: number }>(
        `SELECT b.n, sum(d.articles)::integer AS articles, sum(d.mentions)::integer AS mentions
         FROM unnest($1::integer[], $2::text[]) AS b(n, period) JOIN ${rollup} GROUP BY b.n`,
        [bucketOf, periods, ...(query.entity ? [query.entity] : [])],
      );
      for (const row of rows) counts[row.n] = { articleCount: row.articles, mentionCount: row.mentions };
    }
    return ranges.map((range, i) => ({ start: range.first, end: range.last, ...(counts[i] as MentionCounts) }));
  }

  // ───────────── claims and matching (issue 14) ─────────────

  /** The claims whose `column` is each key, whole, in the CLAIMS order (for an article: reading order). */
  private async claimGroups(column: 'entity' | 'article', keys: readonly string[]): Promise<ClaimRecord[][]> {
    if (keys.length === 0) return [];
    const rows = await this.run<{ n: string; record: ClaimRecord }>(
      `SELECT k.n, c.record FROM unnest($1::text[]) WITH ORDINALITY AS k(key, n)
       JOIN ${this.s}.claims c ON c.${column} = k.key ORDER BY k.n, ${orderBySql(CLAIM_COLUMNS, CLAIMS)}`,
      [keys],
    );
    const groups: ClaimRecord[][] = keys.map(() => []);
    for (const row of rows) groups[Number(row.n) - 1]?.push(row.record);
    return groups;
  }

  claimsByEntity(entityKeys: readonly string[]): Promise<ClaimRecord[][]> {
    return this.claimGroups('entity', entityKeys);
  }

  claimsByArticle(articleSlugs: readonly string[]): Promise<ClaimRecord[][]> {
    return this.claimGroups('article', articleSlugs);
  }

  async listClaims(queries: readonly { filter: ClaimFilter; window: Window }[]): Promise<Page<ClaimRecord>[]> {
    const lists = queries.map(({ filter, window }) => ({
      list: (params: Params): ListSql => {
        const conditions: string[] = [];
        if (filter.entity) conditions.push(`c.entity = ${params.add(filter.entity, 'text')}`);
        if (filter.article) conditions.push(`c.article = ${params.add(filter.article, 'text')}`);
        if (filter.property) conditions.push(`c.property = ${params.add(filter.property, 'text')}`);
        return {
          from: `${this.s}.claims c WHERE ${conditions.length ? conditions.join(' AND ') : 'true'}`,
          select: 'c.record',
          columns: CLAIM_COLUMNS,
          key: CLAIMS,
          knownTotal: conditions.length ? null : this.facts.stats.claims,
        };
      },
      window,
    }));
    return (await this.pages(lists)).map((page) => ({
      ...page,
      items: page.items.map(({ item, position }) => ({ item: item.record as ClaimRecord, position })),
    }));
  }

  /**
   * Candidates retrieved in SQL as the memory index retrieves them (postgres/match.ts), each with its share of the
   * context words (the largest in one article mentioning it, each word matched as the text filter matches it),
   * then scored and ranked by the shared match.ts. Two statements with a context (its words' terms, then the
   * candidates), one without.
   */
  async match(queries: readonly MatchQuery[], work?: RequestWork): Promise<MatchCandidate[][]> {
    if (queries.length === 0) return [];
    const contextWords = queries.map((query) => (query.context ? queryTerms(query.context) : []));
    // Each distinct word's own terms, as `articles(filter: { text })` finds it (one statement for the batch).
    const distinct = [...new Set(contextWords.flat())];
    const wordQuery = new Map<string, string | null>();
    if (distinct.length > 0) {
      const expansions = await expandQuery(
        (sql, values) => this.run(sql, values),
        this.s,
        distinct.map((word) => queryTerms(word)),
        ['headline', 'body'],
      );
      distinct.forEach((word, i) => {
        wordQuery.set(word, expansions[i]?.tsquery ?? null);
      });
    }
    work?.check();
    const prepared = queries.map((query) => prepareName(query.name));
    const params = new Params();
    const branches = queries.map((query, q) => {
      const types = query.types?.length ? [...new Set(query.types)] : null;
      const tsqueries = contextWords[q]?.map((word) => wordQuery.get(word)).filter((t): t is string => !!t) ?? [];
      // The most of the context's words found in one article that mentions the candidate.
      const found = tsqueries.length
        ? `(SELECT coalesce(max((SELECT count(*) FROM unnest(${params.add(tsqueries, 'tsquery[]')}) AS t(query)
              WHERE a.terms @@ t.query)), 0)
            FROM ${this.s}.article_entities ae JOIN ${this.s}.articles a ON a.slug = ae.article WHERE ae.entity = m.key)`
        : '0';
      return `SELECT ${q} AS q, e.key, e.record, ${found}::integer AS found
        FROM (${candidatesSql(this.s, prepared[q] as PreparedName, types, params)}) m
        JOIN ${this.s}.entities e ON e.key = m.key`;
    });
    const rows = await this.run<{ q: number; key: string; record: EntityRecord; found: number }>(
      branches.map((branch) => `(${branch})`).join('\nUNION ALL\n'),
      params.values,
    );
    const byQuery: (typeof rows)[] = queries.map(() => []);
    for (const row of rows) byQuery[row.q]?.push(row);
    return queries.map((query, q) => {
      const words = contextWords[q] as string[];
      const name = prepared[q] as PreparedName;
      const scored: MatchCandidate[] = [];
      for (const row of byQuery[q] ?? []) {
        const candidate = scoreCandidate(name, {
          entity: entityKeyOf(row.key),
          forms: nameForms(row.record).map((form) => ({ form, prepared: prepareName(form.text) })),
          context: words.length ? row.found / words.length : null,
        });
        if (candidate) scored.push(candidate);
      }
      return rankCandidates(scored, query.limit);
    });
  }
}

function mentionPage(page: Page<Record<string, unknown>>): Page<MentionRecord> {
  return {
    ...page,
    items: page.items.map(({ item, position }) => ({
      item: {
        article: item.article as string,
        entity: entityKeyOf(item.entity as string),
        text: item.text as string,
        start: item.start as number,
        end: item.end as number,
      },
      position,
    })),
  };
}

function affiliation(row: Record<string, unknown>): AffiliationRecord {
  return {
    person: row.person as string,
    organization: row.organization as string,
    role: row.role as string | null,
    evidence: row.evidence as AffiliationRecord['evidence'],
  };
}
function participation(row: Record<string, unknown>): ParticipationRecord {
  return {
    person: row.person as string,
    event: row.event as string,
    role: row.role as string | null,
    evidence: row.evidence as ParticipationRecord['evidence'],
  };
}
function involvement(row: Record<string, unknown>): InvolvementRecord {
  return {
    organization: row.organization as string,
    event: row.event as string,
    role: row.role as string | null,
    evidence: row.evidence as InvolvementRecord['evidence'],
  };
}
function organizationRelation(row: Record<string, unknown>): OrganizationRelationRecord {
  return {
    from: row.from as string,
    to: row.to as string,
    kind: row.kind as OrganizationRelationRecord['kind'],
    evidence: row.evidence as OrganizationRelationRecord['evidence'],
  };
}
function eventRelation(row: Record<string, unknown>): EventRelationRecord {
  return {
    from: row.from as string,
    to: row.to as string,
    relation: row.relation as string,
    evidence: row.evidence as EventRelationRecord['evidence'],
  };
}
