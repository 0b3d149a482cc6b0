/**
 * An article body cut into pieces at the offsets of what to highlight (a quote, mentions), so each piece can be
 * drawn with the marks that cover it. Offsets are JavaScript string indices (UTF-16 code units), as the API gives
 * them: `body.slice(start, end)` is the marked text. Marks may overlap and nest (a mention inside a quote, "APEC"
 * inside "APEC meeting").
 */

export interface Mark<K extends string = string> {
  start: number;
  end: number;
  kind: K;
  /** What the mark stands for (an entity's name), for a label. */
  label?: string;
}

export interface Piece<K extends string = string> {
  start: number;
  end: number;
  text: string;
  /** The marks covering the whole piece, outermost (longest) first. */
  marks: Mark<K>[];
}

/**
 * `body` in pieces: consecutive, covering it exactly, each with the marks that cover it. A mark outside the body,
 * empty or reversed is left out (the API never sends one, but a body is no place to throw).
 */
export function pieces<K extends string>(body: string, marks: readonly Mark<K>[]): Piece<K>[] {
  const valid = marks.filter(
    (m) => Number.isInteger(m.start) && m.start >= 0 && m.end > m.start && m.end <= body.length,
  );
  const cuts = new Set<number>([0, body.length]);
  for (const mark of valid) {
    cuts.add(mark.start);
    cuts.add(mark.end);
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  const byLength = [...valid].sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  const result: Piece<K>[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const start = sorted[i] as number;
    const end = sorted[i + 1] as number;
    result.push({
      start,
      end,
      text: body.slice(start, end),
      marks: byLength.filter((mark) => mark.start <= start && mark.end >= end),
    });
  }
  return result;
}
