import type { EntityRecord, MentionRecord } from './records.js';
import { entityKeyString } from './records.js';

const WORD_CHARACTER = /[\p{L}\p{N}]/u;
const WORDS = /[\p{L}\p{N}]+/gu;
const FIRST_WORD = /[\p{L}\p{N}]+/u;

/** A name matches only as a whole word: "Iran" in "Iran’s", never in "Iranian". */
function isWholeWord(body: string, start: number, end: number): boolean {
  const before = start > 0 ? body[start - 1] : undefined;
  const after = end < body.length ? body[end] : undefined;
  return !(before && WORD_CHARACTER.test(before)) && !(after && WORD_CHARACTER.test(after));
}

interface Candidate {
  name: string;
  entity: EntityRecord;
  /** Where the name's first word starts inside the name (0 unless the name opens with punctuation). */
  firstWordOffset: number;
}

/**
 * Finds the mentions of a fixed set of entities in article bodies. Built once from every name and
 * alias, indexed by each name's first word, so a body is scanned word by word instead of once per
 * name: the cost grows with the length of the text, not with the number of entities.
 */
export class MentionMatcher {
  private readonly byFirstWord = new Map<string, Candidate[]>();

  constructor(entities: readonly EntityRecord[]) {
    for (const entity of entities) {
      for (const name of new Set([entity.name, ...entity.aliases])) {
        // Not the global WORDS: its lastIndex would leak into the next matchAll.
        const firstWord = FIRST_WORD.exec(name);
        if (!firstWord) continue;
        const list = this.byFirstWord.get(firstWord[0]) ?? [];
        list.push({ name, entity, firstWordOffset: firstWord.index });
        this.byFirstWord.set(firstWord[0], list);
      }
    }
  }

  /**
   * Every occurrence of each entity's name or aliases in `body`, case-sensitive and whole-word.
   * Within one entity the longest name wins ("Majid Azizi" is one mention, not also "Azizi");
   * mentions of different entities may overlap or nest. Sorted by start, then longest first.
   */
  find(articleSlug: string, body: string): MentionRecord[] {
    const found = new Map<string, MentionRecord[]>();
    for (const word of body.matchAll(WORDS)) {
      const candidates = this.byFirstWord.get(word[0]);
      if (!candidates) continue;
      for (const { name, entity, firstWordOffset } of candidates) {
        const start = word.index - firstWordOffset;
        const end = start + name.length;
        if (start < 0 || !body.startsWith(name, start) || !isWholeWord(body, start, end)) continue;
        const key = entityKeyString(entity);
        const list = found.get(key) ?? [];
        list.push({ article: articleSlug, entity: { type: entity.type, slug: entity.slug }, text: name, start, end });
        found.set(key, list);
      }
    }
    const mentions: MentionRecord[] = [];
    for (const matches of found.values()) {
      // Longest name first, then in reading order; a match overlapping one already taken is the same mention.
      matches.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
      const taken: MentionRecord[] = [];
      for (const m of matches) if (!taken.some((t) => m.start < t.end && m.end > t.start)) taken.push(m);
      mentions.push(...taken);
    }
    return mentions.sort(
      (a, b) =>
        a.start - b.start || b.end - a.end || entityKeyString(a.entity).localeCompare(entityKeyString(b.entity)),
    );
  }
}

/** The mentions of `entities` in one body (see MentionMatcher; build one matcher for many bodies). */
export function findMentions(articleSlug: string, body: string, entities: readonly EntityRecord[]): MentionRecord[] {
  return new MentionMatcher(entities).find(articleSlug, body);
}
