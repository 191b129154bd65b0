/** Seeded random topics and filters, and a reference matcher, for property tests of the topic
 * indexes. Deterministic, so a failing seed can be replayed. */

/** The matching rules of §4.7 written the obvious way: the reference the indexes are checked against. */
export function naiveMatch(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  // [MQTT-4.7.2-1] a wildcard in the first level does not match a "$" topic.
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** A random integer in [0, n) from a mulberry32 generator. */
export type Random = (n: number) => number;

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return (n) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

/** Few distinct levels, so random topics and filters often overlap; includes the edge cases: an
 * empty level, case variants, "$" first and elsewhere. */
const LEVELS = ['a', 'b', 'A', '', '$s', 'x$'];

export function randomTopic(random: Random): string {
  const count = 1 + random(4);
  return Array.from({ length: count }, () => LEVELS[random(LEVELS.length)]!).join('/');
}

export function randomFilter(random: Random): string {
  const count = 1 + random(4);
  const levels = Array.from({ length: count }, () => (random(10) < 3 ? '+' : LEVELS[random(LEVELS.length)]!));
  if (random(3) === 0) levels.push('#');
  return levels.join('/');
}
