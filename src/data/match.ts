/**
 * Matching a name an outside system holds to our entities (issue 14), the backend-neutral half: how names are
 * normalized, which name forms an entity has, and how one candidate is scored and explained. A backend only
 * retrieves candidates (the memory store from its name index, match-index.ts; PostgreSQL with pg_trgm) and hands
 * them to scoreCandidate, so every backend scores and ranks alike.
 *
 * Scores are in [0, 1]. A candidate scoring MATCH_THRESHOLD or more is a match (confident enough to link without
 * a person looking); one under MIN_CANDIDATE_SCORE is never returned.
 */
import { distance } from 'fastest-levenshtein';
import { foldText } from './contract.js';
import type { EntityType } from './entity-types.js';
import type { EntityKey, EntityRecord } from './records.js';

/** Why a candidate was found, each with what it means (the GraphQL enum's descriptions). */
export const MATCH_REASONS = {
  EXACT_NAME: 'The name is the entity’s name, exactly.',
  EXACT_ALIAS: 'The name is one of the entity’s aliases, exactly.',
  FOLDED:
    'The name equals a name or alias once case, accents, punctuation and spacing are set aside ("MAJID AZIZI", "Óscar Arriola").',
  TOKEN_REORDER:
    'The same words in another order, or with "of the" and the like left out ("Azizi, Majid", "Interior Ministry").',
  INITIALS: 'Some words are given as initials ("M. Azizi", "A. F. Trucios").',
  WITH_TITLE: 'The name with the title the articles give the person ("Senator Roger Wicker").',
  PARTIAL: 'Some of the words of a name: a surname alone ("Kurilla"), or a name within a longer one ("Joe Biden").',
  EDIT_DISTANCE:
    'A near miss: one edit (a letter added, dropped or changed) from a name of 5 to 9 characters, up to two from a longer one; a swap of two letters counts as two edits.',
  CONTEXT:
    'An article that mentions the entity contains the words of `context` (the more of them, the higher the score).',
} as const;
export type MatchReason = keyof typeof MATCH_REASONS;

/** A score at or above which a candidate is a match. */
export const MATCH_THRESHOLD = 0.7;
/** Candidates scoring under this are not returned. */
export const MIN_CANDIDATE_SCORE = 0.4;
/** What a context whose every word is in an article mentioning the entity adds (a fraction of it for fewer). */
export const CONTEXT_BONUS = 0.1;

/** Which names to find entities for: a name, optionally of some types only, optionally with context words. */
export interface MatchQuery {
  name: string;
  types?: readonly EntityType[] | null;
  /** Words the outside record has around the name (a headline, a place, an organization). */
  context?: string | null;
  /** The most candidates to return. */
  limit: number;
}

export interface MatchCandidate {
  entity: EntityKey;
  score: number;
  /** The reasons of the best-scoring name form, then CONTEXT when the context words count. */
  reasons: MatchReason[];
  /** The name form that scored best: the name, an alias, or the name with its title. */
  matchedName: string;
}

/** Words left out when names are compared word by word ("Ministry of the Interior" ~ "Interior Ministry"). */
const STOP_WORDS = new Set(['an', 'and', 'of', 'the', 'in', 'for', 'to', 'de', 'del', 'la', 'el', 'al']);

/**
 * The form names are compared in: folded (case, accents), apostrophes and the dots of an abbreviation dropped
 * ("Prosecutor’s" = "Prosecutors", "U.S." = "US"), every other run of punctuation or space one space
 * ("Asia-Pacific" = "Asia Pacific").
 */
export function matchKey(text: string): string {
  return foldText(text)
    .replace(/\b(?:\p{L}\.){2,}/gu, (abbreviation) => abbreviation.replaceAll('.', ''))
    .replace(/['’ʼ`´]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** A name ready to be compared: its key, its words, its content words and their sorted key. */
export interface PreparedName {
  /** White space trimmed and collapsed: what an exact match compares. */
  exact: string;
  key: string;
  words: string[];
  /** Words without STOP_WORDS (all the words when every one is a stop word). */
  content: string[];
  /** The content words sorted, joined by spaces: equal for reorderings of the same words. */
  sorted: string;
}

export function prepareName(text: string): PreparedName {
  const key = matchKey(text);
  const words = key === '' ? [] : key.split(' ');
  const kept = words.filter((word) => !STOP_WORDS.has(word));
  const content = kept.length > 0 ? kept : words;
  return {
    exact: text.replace(/\s+/g, ' ').trim(),
    key,
    words,
    content,
    sorted: [...content].sort().join(' '),
  };
}

/** A name form of an entity: its name, an alias, or (a person with a title) the title before the name. */
export interface NameForm {
  text: string;
  kind: 'NAME' | 'ALIAS' | 'TITLED';
}

/** The name forms an entity is matched on. */
export function nameForms(entity: EntityRecord): NameForm[] {
  const forms: NameForm[] = [{ text: entity.name, kind: 'NAME' }];
  for (const alias of entity.aliases) forms.push({ text: alias, kind: 'ALIAS' });
  if (entity.type === 'Person' && entity.title) forms.push({ text: `${entity.title} ${entity.name}`, kind: 'TITLED' });
  return forms;
}

/** The edits a near miss may have from a name whose key has `length` characters. */
export function allowedEdits(length: number): number {
  return length < 5 ? 0 : length < 9 ? 1 : 2;
}

interface Scored {
  score: number;
  reasons: MatchReason[];
}

/** What a form kind takes off a score: an alias is a little less sure than the name, a titled name less. */
const FORM_PENALTY = { NAME: 0, ALIAS: 0.02, TITLED: 0.03 } as const;

/** Whether each word of `short` is a word of `long` (counted with repeats). */
function isSubset(short: readonly string[], long: readonly string[]): boolean {
  const left = [...long];
  for (const word of short) {
    const at = left.indexOf(word);
    if (at === -1) return false;
    left.splice(at, 1);
  }
  return true;
}

const letters = (words: readonly string[]) => words.reduce((sum, word) => sum + word.length, 0);

/** Words given as initials: the same number of words, each equal or the initial of the other's, one of each kind. */
function initialsMatch(query: readonly string[], name: readonly string[]): boolean {
  if (query.length !== name.length || query.length < 2) return false;
  let full = 0;
  let initials = 0;
  for (let i = 0; i < query.length; i++) {
    const q = query[i] as string;
    const n = name[i] as string;
    if (q === n) full++;
    else if (q.length === 1 && n.startsWith(q)) initials++;
    else return false;
  }
  return full > 0 && initials > 0;
}

/** How one name form scores against the query, or null when it does not resemble it. */
export function scoreForm(
  query: PreparedName,
  form: NameForm,
  formName: PreparedName,
  type: EntityType,
): Scored | null {
  const penalty = FORM_PENALTY[form.kind];
  const titled: MatchReason[] = form.kind === 'TITLED' ? ['WITH_TITLE'] : [];
  if (query.key === '' || formName.key === '') return null;
  if (query.exact === form.text.replace(/\s+/g, ' ').trim()) {
    if (form.kind === 'NAME') return { score: 1, reasons: ['EXACT_NAME'] };
    if (form.kind === 'ALIAS') return { score: 1 - penalty, reasons: ['EXACT_ALIAS'] };
    return { score: 0.97, reasons: titled };
  }
  if (query.key === formName.key) return { score: 0.95 - penalty, reasons: [...titled, 'FOLDED'] };
  if (query.content.length > 1 && query.sorted === formName.sorted) {
    return { score: 0.9 - penalty, reasons: [...titled, 'TOKEN_REORDER'] };
  }
  if (initialsMatch(query.content, formName.content))
    return { score: 0.82 - penalty, reasons: [...titled, 'INITIALS'] };
  const reversed = [...query.content].reverse();
  if (initialsMatch(reversed, formName.content)) {
    return { score: 0.8 - penalty, reasons: [...titled, 'TOKEN_REORDER', 'INITIALS'] };
  }
  const allowed = allowedEdits(formName.key.length);
  if (allowed > 0) {
    const direct = distance(query.key, formName.key);
    const reordered = query.content.length > 1 ? distance(query.sorted, formName.sorted) : Number.POSITIVE_INFINITY;
    const edits = Math.min(direct, reordered);
    if (edits > 0 && edits <= allowed) {
      const reasons: MatchReason[] = [...titled, ...(reordered < direct ? ['TOKEN_REORDER' as const] : [])];
      return { score: (edits === 1 ? 0.86 : 0.76) - penalty, reasons: [...reasons, 'EDIT_DISTANCE'] };
    }
  }
  if (form.kind === 'TITLED') return null; // a part of a titled name is a part of the name, scored there
  // Some of the words: the query's within the name's, or the name's within the query's.
  const [q, n] = [query.content, formName.content];
  if (q.length < n.length && isSubset(q, n)) {
    // A person's surname alone says more than any other part of a name.
    if (type === 'Person' && q.length === 1 && q[0] === n.at(-1) && (q[0] as string).length >= 3) {
      return { score: 0.74 - penalty, reasons: ['PARTIAL'] };
    }
    return { score: 0.4 + 0.3 * (letters(q) / letters(n)) - penalty, reasons: ['PARTIAL'] };
  }
  if (n.length < q.length && isSubset(n, q)) {
    return { score: 0.4 + 0.3 * (letters(n) / letters(q)) - penalty, reasons: ['PARTIAL'] };
  }
  return null;
}

/** A candidate a backend retrieved: the entity, its name forms prepared, and its share of the context words. */
export interface CandidateInput {
  entity: EntityKey;
  forms: readonly { form: NameForm; prepared: PreparedName }[];
  /**
   * The largest share (0–1) of the context's words found in one article that mentions the entity; null when the
   * query has no context.
   */
  context: number | null;
}

const round = (score: number) => Math.round(score * 1000) / 1000;

/** Scores one candidate: its best name form, raised by the context. Null under MIN_CANDIDATE_SCORE. */
export function scoreCandidate(query: PreparedName, candidate: CandidateInput): MatchCandidate | null {
  let best: (Scored & { form: NameForm }) | null = null;
  for (const { form, prepared } of candidate.forms) {
    const scored = scoreForm(query, form, prepared, candidate.entity.type);
    if (scored && (!best || scored.score > best.score)) best = { ...scored, form };
  }
  if (!best) return null;
  let { score } = best;
  const reasons = [...best.reasons];
  if (candidate.context !== null && candidate.context > 0) {
    score = Math.min(1, score + CONTEXT_BONUS * candidate.context);
    reasons.push('CONTEXT');
  }
  if (score < MIN_CANDIDATE_SCORE) return null;
  return { entity: candidate.entity, score: round(score), reasons, matchedName: best.form.text };
}

/** Best first: by score, then the entity key (so equal scores come in a stable order). */
export function rankCandidates(candidates: MatchCandidate[], limit: number): MatchCandidate[] {
  const key = (c: MatchCandidate) => `${c.entity.type}:${c.entity.slug}`;
  return candidates
    .sort((a, b) => b.score - a.score || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
    .slice(0, limit);
}
