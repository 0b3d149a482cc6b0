/**
 * The lists of one entity type, made once for every type (as swapi-graphql's rootConnection): its filter
 * input's shared fields, its order input, its connection, its root fields (`person`, `persons`) and an
 * article's list of the ones it mentions (`Article.persons`). An entity's file declares only what is its own:
 * its fields and its filter fields, with the query conditions they make.
 */
import type { InputFieldMap, InputObjectRef, ObjectRef } from '@pothos/core';
import type { GraphQLResolveInfo } from 'graphql';
import { builder } from '../../builder.js';
import type { Loaders } from '../../context.js';
import {
  type EntityFilterOf,
  type EntityListQuery,
  type EntityOrderField,
  entityOrderKey,
  entityOrderOf,
  type SharedEntityFilter,
} from '../../data/contract.js';
import { ENTITY_TYPE_INFO, ENTITY_TYPES, type EntityRecordOf, type EntityType } from '../../data/entity-types.js';
import type { ArticleRecord, EntityRecord } from '../../data/records.js';
import { emptyPage } from '../../data/windows.js';
import type { PageArgs } from '../../pagination.js';
import { loadAll, pagedConnection } from './connections.js';
import { ENTITY_ORDER_FIELDS, entityOrder, entityOrderInput, idOfType, searchTextSchema, slugOfId } from './filters.js';
import { lookupField } from './lookup.js';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** "Persons" from "persons". */
function capitalized(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** "A, B or C": the entity types in descriptions, so a new type is named wherever the others are. */
export function oneOf(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

/** The entity types' names with their article: "a Person", "an Organization". */
export const ENTITY_TYPES_WITH_ARTICLE = ENTITY_TYPES.map((type) => `${/^[AEIOU]/.test(type) ? 'an' : 'a'} ${type}`);

/** The entity types' plurals, capitalized: "Persons", "Organizations". */
export const ENTITY_PLURALS = ENTITY_TYPES.map((type) => capitalized(ENTITY_TYPE_INFO[type].plural));

/** Enum values naming the entity types (PERSON: 'Person'…), each described from its capitalized plural. */
export function entityTypeEnumValues(describe: (plural: string) => string) {
  return Object.fromEntries(
    ENTITY_TYPES.map((type) => [
      type.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase(),
      { description: describe(capitalized(ENTITY_TYPE_INFO[type].plural)), value: type },
    ]),
  ) as Record<string, { description: string; value: EntityType }>;
}

/** The filter fields every entity type has, around its own: `nameContains` first, `mentionedIn` last. */
export function entityFilterFields<Own extends InputFieldMap>(
  type: EntityType,
  t: PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>,
  own: Own,
) {
  const { plural } = ENTITY_TYPE_INFO[type];
  return {
    nameContains: t.string({
      required: false,
      description: `Only ${plural} whose name or an alias contains this text (case- and accent-insensitive).`,
      validate: searchTextSchema,
    }),
    ...own,
    mentionedIn: t.id({
      required: false,
      description: `Only ${plural} this article mentions (its ID); they then come in order of first mention by default.`,
      validate: idOfType('Article'),
    }),
  };
}

/** The description of an entity type's filter input. */
export function entityFilterDescription(type: EntityType): string {
  return `Conditions on ${ENTITY_TYPE_INFO[type].plural}; every condition given must hold.`;
}

/** The filter every entity type's input has (entityFilterFields), as resolvers receive it. */
interface SharedFilter {
  nameContains?: string | null;
  mentionedIn?: string | number | null;
}

/** The query conditions an entity type's own filter fields make. */
type OwnConditions<T extends EntityType> = Omit<EntityFilterOf<T>, keyof SharedEntityFilter>;

/** An entity list's query before its window (the window comes from each field's page arguments). */
type ListQuery<T extends EntityType> = Omit<EntityListQuery<T>, 'window'>;

export interface EntityListOptions<T extends EntityType, Filter extends SharedFilter> {
  type: T;
  ref: ObjectRef<Types, EntityRecordOf<T>>;
  filter: InputObjectRef<Types, Filter>;
  /** The conditions of the type's own filter fields, from the filter as given (or none). */
  conditions: (filter: Filter | null | undefined) => OwnConditions<T>;
  /** Order fields beyond the ones every entity has (name, article and mention counts). */
  orderFields?: Partial<Record<EntityOrderField, { description: string }>>;
}

/** What an article's list of an entity type needs: made by entityList. */
export interface EntityList<T extends EntityType> {
  ref: ObjectRef<Types, EntityRecordOf<T>>;
  /** Adds the `mentioned in this article` list of the type to the Article object's fields. */
  articleField: (t: PothosSchemaTypes.ObjectFieldBuilder<Types, ArticleRecord>) => ReturnType<typeof listField>;
  readonly type: T;
}

/** Whether a value is an entity of this type (an object type's isTypeOf). */
export function isEntityOf(type: EntityType) {
  return (value: unknown) => (value as EntityRecord).type === type;
}

/**
 * Makes an entity type's order input and connection and adds its root fields: one by ID or slug
 * (`person`), and the filtered, ordered list (`persons`). Returns what an article's list of it needs.
 */
export function entityList<T extends EntityType, Filter extends SharedFilter>(
  options: EntityListOptions<T, Filter>,
): EntityList<T> {
  const { type } = options;
  const { noun, plural } = ENTITY_TYPE_INFO[type];
  const orderValues: Partial<Record<EntityOrderField, { description: string }>> = {
    ...options.orderFields,
    ...ENTITY_ORDER_FIELDS,
  };
  // A name computed from the type (not a literal) keeps Pothos from looking it up among declared enums.
  const orderFieldEnum = builder.enumType(`${type}OrderField` as string, {
    description: `What to sort ${plural} by.`,
    values: orderValues as Record<EntityOrderField, { description: string }>,
  });
  const orderInput = entityOrderInput(`${type}Order`, plural, orderFieldEnum);
  const connection = connectionObjectOf(type, options.ref);

  /** The data-source query for a list of the type: of the article `mentionedIn`, or the one the filter names. */
  const queryOf = (
    filter: Filter | null | undefined,
    orderBy: typeof orderInput.$inferInput | null | undefined,
    mentionedIn: string | null,
  ): ListQuery<T> => ({
    // Without a filter, only the article: the query is a loader's key (its JSON), made for every parent.
    filter: (filter
      ? { nameContains: filter.nameContains ?? null, ...options.conditions(filter), mentionedIn }
      : { mentionedIn }) as EntityFilterOf<T>,
    order: entityOrder(orderBy),
  });
  const list = { options, orderInput, connection, queryOf };

  builder.queryFields((t) => ({
    [noun]: lookupField(t, {
      type: options.ref,
      typename: type,
      noun,
      load: (loaders, slug) => loaders.ofType(type).load(slug),
    }),
    [plural]: listField(
      t,
      list,
      `${capitalized(plural)}, by name unless \`orderBy\` says otherwise; \`filter\` narrows the list.`,
      () => null,
    ),
  }));

  return {
    type,
    ref: options.ref,
    articleField: (t) =>
      listField(
        t,
        list,
        `${capitalized(plural)} the article mentions: in order of first mention, unless \`orderBy\` says otherwise.`,
        (article) => article.slug,
      ),
  };
}

function connectionObjectOf<T extends EntityType>(type: T, ref: ObjectRef<Types, EntityRecordOf<T>>) {
  return builder.connectionObject({
    type: ref,
    name: `${type}Connection`,
    description: `A page of ${ENTITY_TYPE_INFO[type].plural}.`,
  });
}

interface ListParts<T extends EntityType, Filter extends SharedFilter, Order> {
  options: EntityListOptions<T, Filter>;
  orderInput: InputObjectRef<Types, Order>;
  connection: ReturnType<typeof connectionObjectOf<T>>;
  queryOf: (
    filter: Filter | null | undefined,
    orderBy: Order | null | undefined,
    mentionedIn: string | null,
  ) => ListQuery<T>;
}

/**
 * A page of the type's entities that `query` selects, in its order, with their records; an empty list when
 * `empty` (the filter asked for what the parent cannot have: another article's entities).
 */
function entityConnection<T extends EntityType>(
  type: T,
  args: PageArgs,
  info: GraphQLResolveInfo,
  loaders: Loaders,
  query: ListQuery<T>,
  empty: boolean,
) {
  return pagedConnection(
    args,
    info,
    entityOrderKey(entityOrderOf(query)),
    (window) => (empty ? Promise.resolve(emptyPage<string>()) : loaders.listOfType(type).load({ ...query, window })),
    (slugs) => loadAll(loaders.ofType(type), slugs),
  );
}

/**
 * A connection field over the type's entities, filtered and ordered: all of them, or those mentioned in the
 * article `articleOf` names for a parent.
 */
function listField<Parent, T extends EntityType, Filter extends SharedFilter, Order>(
  t: PothosSchemaTypes.RootFieldBuilder<Types, Parent, 'Object' | 'Query'>,
  list: ListParts<T, Filter, Order>,
  description: string,
  articleOf: (parent: Parent) => string | null,
) {
  const { options } = list;
  return t.connection(
    {
      type: options.ref,
      description,
      args: {
        filter: t.arg({
          type: options.filter,
          required: false,
          description: `Only ${ENTITY_TYPE_INFO[options.type].plural} that match.`,
        }),
        orderBy: t.arg({ type: list.orderInput, required: false, description: 'Sort order.' }),
      },
      resolve: (parent, args, { loaders }, info) => {
        // Pothos cannot spell out the arguments' type for a generic filter; these are the two declared above.
        const { filter, orderBy } = args as PageArgs & { filter?: Filter | null; orderBy?: Order | null };
        const asked = slugOfId(filter?.mentionedIn);
        const article = articleOf(parent as Parent);
        const query = list.queryOf(filter, orderBy, article ?? asked);
        return entityConnection(
          options.type,
          args,
          info,
          loaders,
          query,
          article !== null && asked !== null && asked !== article,
        );
      },
    },
    list.connection,
  );
}
