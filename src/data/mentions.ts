import type { EntityRecord, MentionRecord } from './records.js';
import { entityKeyString } from './records.js';

const WORD_CHARACTER = /[\p{L}\p{N}]/u;

/** A name matches only as a whole word: "Iran" in "Iran’s", never in "Iranian". */
function isWholeWord(body: string, start: number, end: number): boolean {
  const before = start > 0 ? body[start - 1] : undefined;
  const after = end < body.length ? body[end] : undefined;
  return !(before && WORD_CHARACTER.test(before)) && !(after && WORD_CHARACTER.test(after));
}

/**
 * Every occurrence of each entity's name or aliases in `body`, case-sensitive and whole-word.
 * Within one entity the longest name wins ("Majid Azizi" is one mention, not also "Azizi");
 * mentions of different entities may overlap or nest. Sorted by start, then longest first.
 */
export function findMentions(articleSlug: string, body: string, entities: readonly EntityRecord[]): MentionRecord[] {
  const mentions: MentionRecord[] = [];
  for (const entity of entities) {
    const names = [...new Set([entity.name, ...entity.aliases])].sort((a, b) => b.length - a.length);
    const taken: Array<[number, number]> = [];
    for (const name of names) {
      for (let start = body.indexOf(name); start !== -1; start = body.indexOf(name, start + 1)) {
        const end = start + name.length;
        if (!isWholeWord(body, start, end)) continue;
        if (taken.some(([s, e]) => start < e && end > s)) continue;
        taken.push([start, end]);
        mentions.push({
          article: articleSlug,
          entity: { type: entity.type, slug: entity.slug },
          text: name,
          start,
          end,
        });
      }
    }
  }
  return mentions.sort(
    (a, b) => a.start - b.start || b.end - a.end || entityKeyString(a.entity).localeCompare(entityKeyString(b.entity)),
  );
}
