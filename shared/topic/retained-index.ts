import { type LevelNode, LevelTree } from './level-tree.ts';
import { splitLevels } from './topic-validate.ts';

/** Topic names → retained value, walkable by a filter without scanning every topic. */
export class RetainedIndex<V> {
  private readonly tree = new LevelTree<V>();
  private readonly byTopic = new Map<string, V>();

  get size(): number {
    return this.byTopic.size;
  }

  get(topic: string): V | undefined {
    return this.byTopic.get(topic);
  }

  set(topic: string, value: V): void {
    this.byTopic.set(topic, value);
    this.tree.set(splitLevels(topic), value);
  }

  delete(topic: string): boolean {
    if (!this.byTopic.delete(topic)) return false;
    this.tree.delete(splitLevels(topic));
    return true;
  }

  values(): IterableIterator<V> {
    return this.byTopic.values();
  }

  /** Every retained value whose topic matches `filter`, with the `$` rule of [MQTT-4.7.2-1]. */
  match(filter: string, visit: (value: V) => void): void {
    const levels = splitLevels(filter);
    const walk = (node: LevelNode<V>, depth: number): void => {
      if (depth === levels.length) {
        if (node.value !== undefined) visit(node.value);
        return;
      }
      const level = levels[depth]!;
      const children = node.children;
      if (level === '#') {
        // "a/#" includes "a" itself.
        if (node.value !== undefined && depth > 0) visit(node.value);
        if (children)
          for (const [name, child] of children) if (!(depth === 0 && name.startsWith('$'))) visitAll(child);
        return;
      }
      if (!children) return;
      if (level === '+') {
        for (const [name, child] of children)
          if (!(depth === 0 && name.startsWith('$'))) walk(child, depth + 1);
        return;
      }
      const child = children.get(level);
      if (child) walk(child, depth + 1);
    };
    const visitAll = (node: LevelNode<V>): void => {
      if (node.value !== undefined) visit(node.value);
      if (node.children) for (const child of node.children.values()) visitAll(child);
    };
    walk(this.tree.root, 0);
  }
}
