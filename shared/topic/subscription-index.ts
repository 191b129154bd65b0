import { LevelTree } from './level-tree.ts';
import { splitLevels } from './topic-validate.ts';

/**
 * Topic filters → subscribers. `match` walks the tree once per level of the topic name, following
 * the exact level, `+` and `#`; a topic starting with `$` is not matched by a wildcard in the first
 * level [MQTT-4.7.2-1].
 */
export class SubscriptionIndex<S, O> {
  private readonly tree = new LevelTree<Map<S, O>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds or replaces; returns true when it replaced an existing subscription of `subscriber`. */
  add(filter: string, subscriber: S, options: O): boolean {
    const subscribers = this.tree.ensure(splitLevels(filter), () => new Map());
    const replaced = subscribers.has(subscriber);
    subscribers.set(subscriber, options);
    if (!replaced) this.count++;
    return replaced;
  }

  remove(filter: string, subscriber: S): boolean {
    const levels = splitLevels(filter);
    const subscribers = this.tree.get(levels);
    if (!subscribers?.delete(subscriber)) return false;
    this.count--;
    if (subscribers.size === 0) this.tree.delete(levels);
    return true;
  }

  match(topic: string, visit: (subscriber: S, options: O) => void): void {
    const levels = splitLevels(topic);
    const dollar = topic.startsWith('$');
    const walk = (node: typeof this.tree.root, depth: number): void => {
      const children = node.children;
      if (!children) return;
      const wildcardsAllowed = !(dollar && depth === 0);
      if (wildcardsAllowed) {
        // `#` also matches the parent level: "a/#" matches "a" [MQTT-4.7.1-2].
        const hash = children.get('#');
        if (hash?.value) for (const [s, o] of hash.value) visit(s, o);
      }
      if (depth === levels.length) return;
      const exact = children.get(levels[depth]!);
      if (exact) {
        if (depth + 1 === levels.length && exact.value) for (const [s, o] of exact.value) visit(s, o);
        walk(exact, depth + 1);
      }
      if (wildcardsAllowed) {
        const plus = children.get('+');
        if (plus) {
          if (depth + 1 === levels.length && plus.value) for (const [s, o] of plus.value) visit(s, o);
          walk(plus, depth + 1);
        }
      }
    };
    walk(this.tree.root, 0);
  }
}
