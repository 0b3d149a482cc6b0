/**
 * A least-recently-used map bounded by its number of entries and by bytes. Every cache keyed by client input
 * (queries, variables) is one of these, so no request pattern can grow the process's memory past its bounds.
 */

/**
 * The bytes a string takes on the heap: V8 keeps a string whose characters all fit in Latin-1 at one byte a
 * character, and any other at two (a JSON answer with one typographic quote is two bytes a character
 * throughout). Never less than its UTF-8 length, the bytes it takes on the wire.
 */
export function byteLength(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the Latin-1 range, on purpose
  return /[^\u0000-\u00ff]/.test(text) ? Math.max(2 * text.length, Buffer.byteLength(text)) : text.length;
}

/** An entry, with the tick at which it last moved to the most recent end. */
interface Entry<V> {
  value: V;
  bytes: number;
  moved: number;
}

export class BoundedCache<V> {
  private readonly entries = new Map<string, Entry<V>>(); // least recently used first
  /** Counts the moves to the most recent end (sets, and gets that move their entry). */
  private tick = 0;
  /** Bytes held, as counted by the callers of `set` (their values' sizes) plus the keys'. */
  bytes = 0;

  constructor(
    readonly maxEntries: number,
    readonly maxBytes: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * The value kept under `key`, moved to the most recent end, unless fewer moves than half the entries have
   * happened since its last: it is then in the most recent half already, far from eviction, and a hit costs
   * one lookup instead of three (a cache hit on every request, such as a query's price, was a Map delete and
   * set each time). Eviction order is least recently used within half the cache.
   */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.tick - entry.moved >= this.entries.size / 2) {
      this.entries.delete(key);
      this.entries.set(key, entry);
      entry.moved = ++this.tick;
    }
    return entry.value;
  }

  /**
   * Keeps `value`, which costs `valueBytes`, under `key` (whose bytes count too), evicting the least recently
   * used entries to stay within the bounds. An entry over a quarter of `maxBytes` is not kept: one answer
   * must not empty the cache. Returns whether it was kept.
   */
  set(key: string, value: V, valueBytes: number): boolean {
    const bytes = valueBytes + byteLength(key);
    if (this.maxEntries <= 0 || bytes > this.maxBytes / 4) return false;
    this.delete(key);
    this.entries.set(key, { value, bytes, moved: ++this.tick });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
    return true;
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}
