/**
 * BoundedCache (src/bounded-cache.ts), every cache keyed by client input: its bounds hold whatever the pattern of
 * use, the least recently used go first, and a hit moves its entry only when it is not among the most recent half
 * (so a hit on every request costs one lookup).
 */
import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../src/bounded-cache.js';

const keys = (cache: BoundedCache<number>, names: string[]) => names.filter((name) => cache.get(name) !== undefined);

describe('BoundedCache', () => {
  it('evicts the least recently used when it is full', () => {
    const cache = new BoundedCache<number>(4, 1_000_000);
    for (const [i, key] of ['a', 'b', 'c', 'd'].entries()) cache.set(key, i, 1);
    expect(cache.get('a')).toBe(0); // a was the oldest: it moves to the most recent end
    cache.set('e', 4, 1); // evicts b, now the least recently used
    expect(keys(cache, ['a', 'b', 'c', 'd', 'e'])).toEqual(['a', 'c', 'd', 'e']);
    expect(cache.size).toBe(4);
  });

  it('does not move an entry hit while it is among the most recent half, and moves it once it is older', () => {
    const cache = new BoundedCache<number>(8, 1_000_000);
    for (let i = 0; i < 8; i++) cache.set(`k${i}`, i, 1);
    // k7 was the last set: hits leave it where it is, which is where a move would put it.
    for (let i = 0; i < 100; i++) expect(cache.get('k7')).toBe(7);
    // k0 is the oldest: a hit moves it, so the next set evicts k1 instead.
    expect(cache.get('k0')).toBe(0);
    cache.set('k8', 8, 1);
    expect(cache.get('k1')).toBeUndefined();
    expect(cache.get('k0')).toBe(0);
    // k4 was moved 5 moves ago, more than half of 8 entries: a hit moves it; k2 then goes first.
    expect(cache.get('k4')).toBe(4);
    cache.set('k9', 9, 1);
    cache.set('k10', 10, 1);
    expect(cache.get('k2')).toBeUndefined();
    expect(cache.get('k3')).toBeUndefined();
    expect(cache.get('k4')).toBe(4);
  });

  it('stays within its bytes under any pattern of hits and sets', () => {
    const cache = new BoundedCache<number>(1_000, 10_000);
    for (let i = 0; i < 20_000; i++) {
      cache.set(`key-${i % 3_000}`, i, (i * 37) % 2_000);
      cache.get(`key-${(i * 7) % 3_000}`);
      expect(cache.bytes).toBeLessThanOrEqual(10_000);
      expect(cache.size).toBeLessThanOrEqual(1_000);
    }
  });

  it('keeps nothing over a quarter of its bytes, and nothing at all with no room', () => {
    expect(new BoundedCache<number>(10, 100).set('big', 1, 30)).toBe(false);
    expect(new BoundedCache<number>(0, 100).set('any', 1, 1)).toBe(false);
  });
});
