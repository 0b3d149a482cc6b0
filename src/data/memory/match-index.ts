/**
 * The memory store's half of matching (issue 14): finding the candidates of a name among every entity's name
 * forms, for match.ts to score. Built once per store, on the first match: exact and reordered keys, content
 * words, and padded trigrams (as pg_trgm makes them) for near misses.
 */
import type { EntityType } from '../entity-types.js';
import {
  allowedEdits,
  type CandidateInput,
  type NameForm,
  nameForms,
  type PreparedName,
  prepareName,
} from '../match.js';
import type { EntityKey, EntityRecord } from '../records.js';

/** Forms read from one word's postings at most: a word in thousands of names says little about any of them. */
export const MAX_WORD_POSTINGS = 2_000;
/** Forms scored per query at most, those sharing the most trigrams first. */
export const MAX_CANDIDATE_FORMS = 2_000;

/** The padded trigrams of a key: "  key " cut into threes, as pg_trgm pads a word. */
export function trigrams(key: string): string[] {
  const padded = `  ${key} `;
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i++) grams.add(padded.slice(i, i + 3));
  return [...grams];
}

function add(index: Map<string, number[]>, key: string, id: number) {
  const list = index.get(key);
  if (list) list.push(id);
  else index.set(key, [id]);
}

export class MatchIndex {
  private readonly entities: EntityKey[] = [];
  private readonly formsOf: number[][] = [];
  private readonly forms: { entity: number; form: NameForm; prepared: PreparedName }[] = [];
  private readonly byKey = new Map<string, number[]>();
  private readonly bySorted = new Map<string, number[]>();
  private readonly byWord = new Map<string, number[]>();
  private readonly byTrigram = new Map<string, number[]>();

  constructor(entities: readonly EntityRecord[]) {
    for (const entity of entities) {
      const e = this.entities.length;
      this.entities.push({ type: entity.type, slug: entity.slug });
      const ids: number[] = [];
      for (const form of nameForms(entity)) {
        const id = this.forms.length;
        const prepared = prepareName(form.text);
        this.forms.push({ entity: e, form, prepared });
        ids.push(id);
        add(this.byKey, prepared.key, id);
        add(this.bySorted, prepared.sorted, id);
        for (const word of new Set(prepared.content)) add(this.byWord, word, id);
        for (const gram of trigrams(prepared.key)) add(this.byTrigram, gram, id);
      }
      this.formsOf.push(ids);
    }
  }

  /**
   * The entities (by index) with a name form that may resemble `query`: the same key or reordered key, a word in
   * common, or enough trigrams in common for a near miss. Of `types` only, when given.
   */
  candidates(query: PreparedName, types: ReadonlySet<EntityType> | null): number[] {
    const shared = new Map<number, number>();
    const take = (ids: readonly number[] | undefined, weight: number) => {
      if (!ids) return;
      for (let i = 0; i < ids.length && i < MAX_WORD_POSTINGS; i++) {
        const id = ids[i] as number;
        shared.set(id, (shared.get(id) ?? 0) + weight);
      }
    };
    take(this.byKey.get(query.key), 1_000);
    take(this.bySorted.get(query.sorted), 1_000);
    for (const word of new Set(query.content)) take(this.byWord.get(word), 100);
    const edits = allowedEdits(query.key.length + 2); // a near miss may be up to two characters shorter
    if (edits > 0) {
      const grams = trigrams(query.key);
      const counts = new Map<number, number>();
      for (const gram of grams) {
        for (const id of this.byTrigram.get(gram) ?? []) counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      // An edit changes at most three trigrams (the q-gram lemma).
      const least = Math.max(1, grams.length - 3 * edits);
      for (const [id, count] of counts) if (count >= least) shared.set(id, (shared.get(id) ?? 0) + count);
    }
    const ranked = [...shared].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, MAX_CANDIDATE_FORMS);
    const entities = new Set<number>();
    for (const [id] of ranked) {
      const e = (this.forms[id] as { entity: number }).entity;
      if (!types || types.has((this.entities[e] as EntityKey).type)) entities.add(e);
    }
    return [...entities];
  }

  entity(e: number): EntityKey {
    return this.entities[e] as EntityKey;
  }

  /** The candidate as match.ts scores it, with its share of the context words. */
  input(e: number, context: number | null): CandidateInput {
    return {
      entity: this.entities[e] as EntityKey,
      forms: (this.formsOf[e] as number[]).map((id) => this.forms[id] as { form: NameForm; prepared: PreparedName }),
      context,
    };
  }
}
