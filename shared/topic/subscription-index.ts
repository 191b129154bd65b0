import { type LevelNode, LevelTree } from './level-tree.ts';
import { splitLevels } from './topic-validate.ts';

/** Distinct topic names whose matches are remembered; past this the cache starts over. */
const MATCH_CACHE_SIZE = 10_000;

/**
 * Topic filters → subscribers. `match` walks the tree once per level of the topic name, following
 * the exact level, `+` and `#`; a topic starting with `$` is not matched by a wildcard in the first
 * level [MQTT-4.7.2-1]. The matches of recently published topics are cached until the index changes.
 */
export class SubscriptionIndex<S, O> {
  private readonly tree = new LevelTree<Map<S, O>>();
  private count = 0;
  /** topic → its matches, flattened (subscriber, options, …); cleared by any change to the index. */
  private readonly cache = new Map<string, Array<S | O>>();

  get size(): number {
    return this.count;
  }

  /** Adds or replaces; returns true when it replaced an existing subscription of `subscriber`. */
  add(filter: string, subscriber: S, options: O): boolean {
    const subscribers = this.tree.ensure(splitLevels(filter), () => new Map());
    const replaced = subscribers.has(subscriber);
    subscribers.set(subscriber, options);
    if (!replaced) this.count++;
    this.cache.clear();
    return replaced;
  }

  remove(filter: string, subscriber: S): boolean {
    const levels = splitLevels(filter);
    const subscribers = this.tree.get(levels);
    if (!subscribers?.delete(subscriber)) return false;
    this.count--;
    this.cache.clear();
    if (subscribers.size === 0) this.tree.delete(levels);
    return true;
  }

  /**
   * The subscriptions matching `topic`, flattened (subscriber, options, subscriber, options, …), the
   * pairs of one subscriber next to each other. Cached until the index changes: read it, never
   * modify it.
   */
  matches(topic: string): readonly (S | O)[] {
    let matches = this.cache.get(topic);
    if (!matches) {
      const pairs: Array<S | O> = [];
      this.walk(this.tree.root, splitLevels(topic), 0, topic.startsWith('$'), pairs);
      matches = groupBySubscriber(pairs);
      if (this.cache.size >= MATCH_CACHE_SIZE) this.cache.clear();
      this.cache.set(topic, matches);
    }
    return matches;
  }

  match(topic: string, visit: (subscriber: S, options: O) => void): void {
    const matches = this.matches(topic);
    for (let i = 0; i < matches.length; i += 2) visit(matches[i] as S, matches[i + 1] as O);
  }

  /** Collects (subscriber, options) pairs, flattened, for the topic levels below `node`. */
  private walk(
    node: LevelNode<Map<S, O>>,
    levels: string[],
    depth: number,
    dollar: boolean,
    out: Array<S | O>,
  ): void {
    const children = node.children;
    if (!children) return;
    const wildcardsAllowed = !(dollar && depth === 0);
    if (wildcardsAllowed) {
      // `#` also matches the parent level: "a/#" matches "a" [MQTT-4.7.1-2].
      const hash = children.get('#');
      if (hash?.value) collect(hash.value, out);
    }
    if (depth === levels.length) return;
    const last = depth + 1 === levels.length;
    const exact = children.get(levels[depth]!);
    if (exact) {
      if (last && exact.value) collect(exact.value, out);
      this.walk(exact, levels, depth + 1, dollar, out);
    }
    if (wildcardsAllowed) {
      const plus = children.get('+');
      if (plus) {
        if (last && plus.value) collect(plus.value, out);
        this.walk(plus, levels, depth + 1, dollar, out);
      }
    }
  }
}

function collect<S, O>(subscribers: Map<S, O>, out: Array<S | O>): void {
  for (const [subscriber, options] of subscribers) out.push(subscriber, options);
}

/** Brings together the pairs of a subscriber whose filters overlap ("a/+" and "a/#"), each
 * subscriber where it first matched, so that a reader merges them without a lookup per publish. */
function groupBySubscriber<S, O>(pairs: Array<S | O>): Array<S | O> {
  if (pairs.length <= 2) return pairs;
  const bySubscriber = new Map<S, O[]>();
  for (let i = 0; i < pairs.length; i += 2) {
    const options = bySubscriber.get(pairs[i] as S);
    if (options) options.push(pairs[i + 1] as O);
    else bySubscriber.set(pairs[i] as S, [pairs[i + 1] as O]);
  }
  if (bySubscriber.size * 2 === pairs.length) return pairs;
  const grouped: Array<S | O> = [];
  for (const [subscriber, options] of bySubscriber)
    for (const option of options) grouped.push(subscriber, option);
  return grouped;
}
