/**
 * A least-recently-used map bounded by its number of entries and by bytes. Every cache keyed by client input
 * (queries, variables) is one of these, so no request pattern can grow the process's memory past its bounds.
 */

/** The bytes a string costs: its UTF-8 length (V8 keeps one-byte strings at one byte a character, others at two). */
export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

export class BoundedCache<V> {
  private readonly entries = new Map<string, { value: V; bytes: number }>(); // least recently used first
  /** Bytes held, as counted by the callers of `set` (their values' sizes) plus the keys'. */
  bytes = 0;

  constructor(
    readonly maxEntries: number,
    readonly maxBytes: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
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
    this.entries.set(key, { value, bytes });
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
