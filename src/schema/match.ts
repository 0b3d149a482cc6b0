/**
 * Matching (issue 14): `match` finds our entity for a name an outside system holds, ranked with a score and the
 * reasons; `matchMany` does it for a list (reconciliation), in one request and one batch call to the source.
 */
import { z } from 'zod';
import { builder } from '../builder.js';
import type { Loaders } from '../context.js';
import { ENTITY_TYPES, type EntityType } from '../data/entity-types.js';
import {
  MATCH_REASONS,
  MATCH_THRESHOLD,
  type MatchCandidate,
  type MatchReason,
  MIN_CANDIDATE_SCORE,
} from '../data/match.js';
import { EntityRef, EntityTypeEnum } from './entity.js';
import { describedValues } from './shared/enums.js';
import { searchTextSchema, TEXT_MATCHING } from './shared/filters.js';
import { loadRequired } from './shared/references.js';

export const MAX_MATCH_NAME_LENGTH = 200;
export const DEFAULT_CANDIDATES = 5;
export const MAX_CANDIDATES = 20;
export const MAX_MATCH_NAMES = 100;

const nameSchema = z
  .string()
  .trim()
  .min(1, { message: 'must not be empty', abort: true })
  .max(MAX_MATCH_NAME_LENGTH, { message: `must be at most ${MAX_MATCH_NAME_LENGTH} characters`, abort: true })
  .refine((name) => /[\p{L}\p{N}]/u.test(name), 'must contain a letter or a digit');
const typesSchema = z.array(z.string()).max(ENTITY_TYPES.length, `at most ${ENTITY_TYPES.length} types`);
const firstSchema = z
  .number()
  .int()
  .min(1, `must be between 1 and ${MAX_CANDIDATES}`)
  .max(MAX_CANDIDATES, `must be between 1 and ${MAX_CANDIDATES}`);

const NAME_DESCRIPTION = `The name as the outside record has it (1–${MAX_MATCH_NAME_LENGTH} characters, with a letter or a digit).`;
const TYPES_DESCRIPTION = 'Only entities of these types (default: all).';
const CONTEXT_DESCRIPTION = `Words the outside record has around the name (a place, an organization, a headline): a candidate mentioned in an article that contains them scores higher (reason CONTEXT). ${TEXT_MATCHING}`;
const FIRST_DESCRIPTION = `How many candidates to return at most (1–${MAX_CANDIDATES}; default ${DEFAULT_CANDIDATES}).`;

export const MatchReasonEnum = builder.enumType('MatchReason', {
  description: 'Why a candidate was found for a name.',
  values: describedValues(MATCH_REASONS),
});

export const MatchCandidateRef = builder.objectRef<MatchCandidate>('MatchCandidate');

MatchCandidateRef.implement({
  description: 'An entity that may be the one a name stands for, with how sure the match is and why.',
  fields: (t) => ({
    entity: t.field({
      type: EntityRef,
      description: 'The entity.',
      resolve: (candidate, _args, { loaders }) =>
        loadRequired(loaders.ofType(candidate.entity.type), candidate.entity.slug, candidate.entity.type),
    }),
    score: t.exposeFloat('score', {
      description: `How sure the match is, from ${MIN_CANDIDATE_SCORE} (candidates under it are not returned) to 1 (the exact name). At ${MATCH_THRESHOLD} or more it is a match (\`match\`). Exact name 1; exact alias 0.98; case, accents or punctuation 0.93–0.95; reordered words 0.88–0.9; initials 0.8–0.82; a surname alone 0.74; one typo 0.84–0.86, two 0.74–0.76; other partial names 0.4–0.7; context adds up to 0.1.`,
    }),
    match: t.boolean({
      description: `True when the score is at least ${MATCH_THRESHOLD}: confident enough to link the name to the entity without a person looking. Names that are not in the corpus score under it.`,
      resolve: (candidate) => candidate.score >= MATCH_THRESHOLD,
    }),
    reasons: t.field({
      type: [MatchReasonEnum],
      description: 'Why it was found: the reasons of the name form that scored best, then CONTEXT when it counted.',
      resolve: (candidate) => candidate.reasons as MatchReason[],
    }),
    matchedName: t.exposeString('matchedName', {
      description: 'The name form that scored best: the entity’s name, an alias, or the name with its title.',
    }),
  }),
});

interface MatchArgs {
  name: string;
  types?: readonly string[] | null;
  context?: string | null;
}

/** The entity's candidates for a name, through the request's batch loader. */
function loadCandidates(loaders: Loaders, args: MatchArgs, first: number | null | undefined) {
  return loaders.match.load({
    name: args.name.trim(),
    types: args.types?.length ? (args.types as EntityType[]) : null,
    context: args.context?.trim() || null,
    limit: first ?? DEFAULT_CANDIDATES,
  });
}

export const MatchInputRef = builder.inputType('MatchInput', {
  description: 'One name to match, with what narrows it.',
  fields: (t) => ({
    name: t.string({ required: true, description: NAME_DESCRIPTION, validate: nameSchema }),
    types: t.field({ type: [EntityTypeEnum], required: false, description: TYPES_DESCRIPTION, validate: typesSchema }),
    context: t.string({ required: false, description: CONTEXT_DESCRIPTION, validate: searchTextSchema }),
  }),
});

export const MatchResultRef = builder.objectRef<MatchArgs>('MatchResult');

MatchResultRef.implement({
  description: 'The candidates for one name of a `matchMany` request.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The name, as given.' }),
    candidates: t.field({
      type: [MatchCandidateRef],
      description: 'Candidates for the name, best first; empty when nothing resembles it.',
      args: { first: t.arg.int({ required: false, description: FIRST_DESCRIPTION, validate: firstSchema }) },
      resolve: (input, args, { loaders }) => loadCandidates(loaders, input, args.first),
    }),
  }),
});

builder.queryFields((t) => ({
  match: t.field({
    type: [MatchCandidateRef],
    description: `Our entities that may be the one a name stands for, best first, each with a score and the reasons: exact names and aliases, case and accent variants, reordered words ("Azizi, Majid"), initials, titles, surnames alone, near misses (a typo) and context. A candidate scoring ${MATCH_THRESHOLD} or more is a match; a name not in the corpus gets none that high.`,
    args: {
      name: t.arg.string({ required: true, description: NAME_DESCRIPTION, validate: nameSchema }),
      types: t.arg({ type: [EntityTypeEnum], required: false, description: TYPES_DESCRIPTION, validate: typesSchema }),
      context: t.arg.string({ required: false, description: CONTEXT_DESCRIPTION, validate: searchTextSchema }),
      first: t.arg.int({ required: false, description: FIRST_DESCRIPTION, validate: firstSchema }),
    },
    resolve: (_root, args, { loaders }) => loadCandidates(loaders, args, args.first),
  }),
  matchMany: t.field({
    type: [MatchResultRef],
    description: `\`match\` for a list of names (reconciliation), at most ${MAX_MATCH_NAMES}: one result per name, in the order given, all matched in one batch.`,
    args: {
      names: t.arg({
        type: [MatchInputRef],
        required: true,
        description: `The names, 1–${MAX_MATCH_NAMES}.`,
        validate: z
          .array(z.unknown())
          .min(1, 'give at least one name')
          .max(MAX_MATCH_NAMES, `at most ${MAX_MATCH_NAMES} names per request`),
      }),
    },
    resolve: (_root, args) => args.names.map((input) => ({ ...input, name: input.name.trim() })),
  }),
}));
