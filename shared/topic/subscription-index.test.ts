// mqtt-spec: 3.1.1
import { describe, expect, it } from 'vitest';
import { naiveMatch, randomFilter, randomTopic, seededRandom } from '../testing/topic-generators.ts';
import type { LevelTree } from './level-tree.ts';
import { SubscriptionIndex } from './subscription-index.ts';

function matches(index: SubscriptionIndex<string, number>, topic: string): string[] {
  const found: string[] = [];
  index.match(topic, (subscriber) => found.push(subscriber));
  return found.sort();
}

function indexOf(filters: string[]): SubscriptionIndex<string, number> {
  const index = new SubscriptionIndex<string, number>();
  for (const filter of filters) index.add(filter, filter, 0);
  return index;
}

/** The index's private level tree, to check that removal prunes empty branches. */
function treeOf(index: SubscriptionIndex<string, number>): LevelTree<Map<string, number>> {
  return (index as unknown as { tree: LevelTree<Map<string, number>> }).tree;
}

describe('SubscriptionIndex matching', () => {
  it('matches an exact filter only against the same topic', () => {
    const index = indexOf(['a/b']);
    expect(matches(index, 'a/b')).toEqual(['a/b']);
    expect(matches(index, 'a')).toEqual([]);
    expect(matches(index, 'a/b/c')).toEqual([]);
    expect(matches(index, 'a/bb')).toEqual([]);
  });

  it('"+" matches exactly one level, including an empty one', () => {
    const index = indexOf(['a/+', '+/+', '+']);
    expect(matches(index, 'a/b')).toEqual(['+/+', 'a/+']);
    expect(matches(index, 'a/')).toEqual(['+/+', 'a/+']);
    expect(matches(index, 'a')).toEqual(['+']);
    expect(matches(index, 'a/b/c')).toEqual([]);
    // "/finance" has two levels, the first empty.
    expect(matches(index, '/finance')).toEqual(['+/+']);
  });

  it('"#" matches any number of levels below', () => {
    const index = indexOf(['#', 'a/#', 'a/b/#', '+/#']);
    expect(matches(index, 'a/b/c/d')).toEqual(['#', '+/#', 'a/#', 'a/b/#']);
    expect(matches(index, 'b')).toEqual(['#', '+/#']);
    expect(matches(index, '/')).toEqual(['#', '+/#']);
  });

  it('[MQTT-4.7.1-2] "a/#" also matches the parent level "a"', () => {
    const index = indexOf(['sport/tennis/player1/#', 'sport/#']);
    expect(matches(index, 'sport')).toEqual(['sport/#']);
    expect(matches(index, 'sport/tennis/player1')).toEqual(['sport/#', 'sport/tennis/player1/#']);
    expect(matches(index, 'sport/tennis/player1/ranking')).toEqual(['sport/#', 'sport/tennis/player1/#']);
    expect(matches(index, 'sports')).toEqual([]);
  });

  it('[MQTT-4.7.2-1] a wildcard in the first level does not match a topic starting with "$"', () => {
    const index = indexOf(['#', '+/monitor/Clients', '+', '$SYS/#', '$SYS/monitor/+', 'a/+']);
    expect(matches(index, '$SYS/monitor/Clients')).toEqual(['$SYS/#', '$SYS/monitor/+']);
    expect(matches(index, '$SYS')).toEqual(['$SYS/#']);
    expect(matches(index, '$')).toEqual([]);
    // Only the first level counts: "$" further down is an ordinary character.
    expect(matches(index, 'a/$b')).toEqual(['#', 'a/+']);
  });

  it('[MQTT-4.7.3-4] is case sensitive and does no normalisation', () => {
    const index = indexOf(['ACCOUNTS', 'caf\u00e9', 'a b']);
    expect(matches(index, 'ACCOUNTS')).toEqual(['ACCOUNTS']);
    expect(matches(index, 'Accounts')).toEqual([]);
    expect(matches(index, 'accounts')).toEqual([]);
    // "é" precomposed vs "e" + combining acute: canonically equivalent, but different characters.
    expect(matches(index, 'cafe\u0301')).toEqual([]);
    expect(matches(index, 'caf\u00e9')).toEqual(['caf\u00e9']);
    expect(matches(index, 'a b')).toEqual(['a b']);
    expect(matches(index, 'ab')).toEqual([]);
  });

  it('treats empty levels as levels', () => {
    const index = indexOf(['a//b', '/a', 'a/', '/']);
    expect(matches(index, 'a//b')).toEqual(['a//b']);
    expect(matches(index, 'a/b')).toEqual([]);
    expect(matches(index, '/a')).toEqual(['/a']);
    expect(matches(index, 'a')).toEqual([]);
    expect(matches(index, 'a/')).toEqual(['a/']);
    expect(matches(index, '/')).toEqual(['/']);
  });

  it("visits a subscriber once per matching filter, with that filter's options", () => {
    const index = new SubscriptionIndex<string, number>();
    index.add('a/+', 's1', 1);
    index.add('a/#', 's1', 2);
    index.add('a/b', 's2', 0);
    const visits: Array<[string, number]> = [];
    index.match('a/b', (s, o) => visits.push([s, o]));
    expect(visits.sort()).toEqual([
      ['s1', 1],
      ['s1', 2],
      ['s2', 0],
    ]);
  });

  it('agrees with a naive matcher on random filters and topics (seeded)', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = seededRandom(seed);
      const filters = [...new Set(Array.from({ length: 30 }, () => randomFilter(random)))];
      const index = indexOf(filters);
      for (let i = 0; i < 50; i++) {
        const topic = randomTopic(random);
        const expected = filters.filter((f) => naiveMatch(f, topic)).sort();
        expect(matches(index, topic), `seed ${seed}, topic ${JSON.stringify(topic)}`).toEqual(expected);
      }
    }
  });
});

describe('SubscriptionIndex add, replace, remove', () => {
  it('counts subscriptions; adding the same filter for the same subscriber replaces it', () => {
    const index = new SubscriptionIndex<string, number>();
    expect(index.size).toBe(0);
    expect(index.add('a/+', 's1', 0)).toBe(false);
    expect(index.add('a/+', 's2', 1)).toBe(false);
    expect(index.add('a/#', 's1', 1)).toBe(false);
    expect(index.size).toBe(3);
    expect(index.add('a/+', 's1', 2)).toBe(true);
    expect(index.size).toBe(3);
    const visits: Array<[string, number]> = [];
    index.match('a/x', (s, o) => visits.push([s, o]));
    expect(visits.sort()).toEqual([
      ['s1', 1],
      ['s1', 2],
      ['s2', 1],
    ]);
  });

  it('removes one subscriber of a filter and leaves the others', () => {
    const index = new SubscriptionIndex<string, number>();
    index.add('a/b', 's1', 0);
    index.add('a/b', 's2', 0);
    expect(index.remove('a/b', 's1')).toBe(true);
    expect(index.size).toBe(1);
    const found: string[] = [];
    index.match('a/b', (s) => found.push(s));
    expect(found).toEqual(['s2']);
  });

  it('returns false and changes nothing when removing what was never added', () => {
    const index = indexOf(['a/b']);
    expect(index.remove('a/c', 'a/b')).toBe(false);
    expect(index.remove('a/b', 'someone-else')).toBe(false);
    expect(index.remove('a', 'a/b')).toBe(false);
    expect(index.remove('a/b/c', 'a/b')).toBe(false);
    expect(index.size).toBe(1);
    expect(matches(index, 'a/b')).toEqual(['a/b']);
  });

  it('prunes branches left empty and keeps branches still in use', () => {
    const index = indexOf(['a/b/c', 'a/b', 'x/#']);
    const root = treeOf(index).root;
    index.remove('a/b/c', 'a/b/c');
    expect(root.children?.get('a')?.children?.get('b')?.children?.size ?? 0).toBe(0);
    expect(matches(index, 'a/b')).toEqual(['a/b']);
    index.remove('a/b', 'a/b');
    expect(root.children?.has('a')).toBe(false);
    index.remove('x/#', 'x/#');
    expect(root.children?.size ?? 0).toBe(0);
    expect(index.size).toBe(0);
    // The pruned index still works.
    index.add('a/b', 's', 1);
    expect(matches(index, 'a/b')).toEqual(['s']);
  });

  it('stays consistent with a naive model through random adds and removes (seeded)', () => {
    const random = seededRandom(2024);
    const subscribers = ['s1', 's2', 's3'];
    const index = new SubscriptionIndex<string, number>();
    const model = new Map<string, number>();
    for (let step = 0; step < 2000; step++) {
      const filter = randomFilter(random);
      const subscriber = subscribers[random(subscribers.length)]!;
      const key = `${subscriber}\u0000${filter}`;
      if (random(2) === 0) {
        const qos = random(3);
        expect(index.add(filter, subscriber, qos)).toBe(model.has(key));
        model.set(key, qos);
      } else {
        expect(index.remove(filter, subscriber)).toBe(model.delete(key));
      }
      expect(index.size).toBe(model.size);
      if (step % 20 === 0) {
        const topic = randomTopic(random);
        const expected = [...model]
          .filter(([k]) => naiveMatch(k.split('\u0000')[1]!, topic))
          .map(([k, qos]) => `${k.split('\u0000')[0]}:${qos}`)
          .sort();
        const found: string[] = [];
        index.match(topic, (s, qos) => found.push(`${s}:${qos}`));
        expect(found.sort(), `step ${step}, topic ${JSON.stringify(topic)}`).toEqual(expected);
      }
    }
    for (const key of model.keys()) {
      const [subscriber, filter] = key.split('\u0000') as [string, string];
      expect(index.remove(filter, subscriber)).toBe(true);
    }
    expect(index.size).toBe(0);
    expect(treeOf(index).root.children?.size ?? 0).toBe(0);
  });
});
