// mqtt-spec: 3.1.1
import { describe, expect, it } from 'vitest';
import { naiveMatch, randomFilter, randomTopic, seededRandom } from '../testing/topic-generators.ts';
import type { LevelTree } from './level-tree.ts';
import { RetainedIndex } from './retained-index.ts';

function indexOf(topics: string[]): RetainedIndex<string> {
  const index = new RetainedIndex<string>();
  for (const topic of topics) index.set(topic, topic);
  return index;
}

function matches(index: RetainedIndex<string>, filter: string): string[] {
  const found: string[] = [];
  index.match(filter, (value) => found.push(value));
  return found.sort();
}

function treeOf(index: RetainedIndex<string>): LevelTree<string> {
  return (index as unknown as { tree: LevelTree<string> }).tree;
}

describe('RetainedIndex storage', () => {
  it('stores one value per topic; setting again replaces it', () => {
    const index = new RetainedIndex<string>();
    expect(index.size).toBe(0);
    index.set('a/b', 'first');
    index.set('a/c', 'other');
    index.set('a/b', 'second');
    expect(index.size).toBe(2);
    expect(index.get('a/b')).toBe('second');
    expect(matches(index, 'a/b')).toEqual(['second']);
    expect([...index.values()].sort()).toEqual(['other', 'second']);
  });

  it('deletes a topic, returning whether it was there, and leaves the rest', () => {
    const index = indexOf(['a', 'a/b', 'a/b/c']);
    expect(index.delete('a/b')).toBe(true);
    expect(index.delete('a/b')).toBe(false);
    expect(index.delete('never')).toBe(false);
    expect(index.size).toBe(2);
    expect(index.get('a/b')).toBeUndefined();
    expect(matches(index, '#')).toEqual(['a', 'a/b/c']);
  });

  it('prunes branches left empty by a delete', () => {
    const index = indexOf(['a/b/c', 'a']);
    const root = treeOf(index).root;
    index.delete('a/b/c');
    expect(root.children?.get('a')?.children?.size ?? 0).toBe(0);
    expect(matches(index, 'a/#')).toEqual(['a']);
    index.delete('a');
    expect(root.children?.size ?? 0).toBe(0);
  });
});

describe('RetainedIndex.match', () => {
  const topics = ['a', 'a/b', 'a/c', 'a/b/c', 'b/b', '/a', 'a/', 'A/b', '$SYS/x', '$SYS/x/y', 'x/$y'];

  it('walks an exact filter to its one topic', () => {
    const index = indexOf(topics);
    expect(matches(index, 'a/b')).toEqual(['a/b']);
    expect(matches(index, 'a/z')).toEqual([]);
    expect(matches(index, 'a/b/c/d')).toEqual([]);
  });

  it('"+" matches one level, including an empty one', () => {
    const index = indexOf(topics);
    expect(matches(index, 'a/+')).toEqual(['a/', 'a/b', 'a/c']);
    expect(matches(index, '+/b')).toEqual(['A/b', 'a/b', 'b/b']);
    expect(matches(index, '+/+/+')).toEqual(['a/b/c']);
    expect(matches(index, '+')).toEqual(['a']);
    expect(matches(index, '/+')).toEqual(['/a']);
  });

  it('[MQTT-4.7.1-2] "#" matches everything below, and "a/#" includes "a" itself', () => {
    const index = indexOf(topics);
    expect(matches(index, 'a/#')).toEqual(['a', 'a/', 'a/b', 'a/b/c', 'a/c']);
    expect(matches(index, 'a/b/#')).toEqual(['a/b', 'a/b/c']);
    expect(matches(index, '+/#')).toEqual(['/a', 'A/b', 'a', 'a/', 'a/b', 'a/b/c', 'a/c', 'b/b', 'x/$y']);
  });

  it('[MQTT-4.7.2-1] a wildcard in the first level skips "$" topics; "$SYS/#" finds them', () => {
    const index = indexOf(topics);
    expect(matches(index, '#')).not.toContain('$SYS/x');
    expect(matches(index, '#')).toContain('x/$y');
    expect(matches(index, '+/x')).toEqual([]);
    expect(matches(index, '$SYS/#')).toEqual(['$SYS/x', '$SYS/x/y']);
    expect(matches(index, '$SYS/+')).toEqual(['$SYS/x']);
    expect(matches(index, 'x/+')).toEqual(['x/$y']);
  });

  it('[MQTT-4.7.3-4] is case sensitive', () => {
    const index = indexOf(topics);
    expect(matches(index, 'A/#')).toEqual(['A/b']);
    expect(matches(index, 'a/B')).toEqual([]);
  });

  it('agrees with a naive matcher on random topics and filters (seeded)', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = seededRandom(seed);
      const stored = [...new Set(Array.from({ length: 30 }, () => randomTopic(random)))];
      const index = indexOf(stored);
      // Delete a few, so matching also runs over pruned branches.
      for (const topic of stored.splice(0, 5)) index.delete(topic);
      for (let i = 0; i < 50; i++) {
        const filter = randomFilter(random);
        const expected = stored.filter((topic) => naiveMatch(filter, topic)).sort();
        expect(matches(index, filter), `seed ${seed}, filter ${JSON.stringify(filter)}`).toEqual(expected);
      }
    }
  });
});
