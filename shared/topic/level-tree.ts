/** A tree keyed by topic levels ("a/b/c" → a → b → c) with a value at any node. Shared by the
 * subscription index (values at filters) and the retained index (values at topic names). */
export interface LevelNode<V> {
  children: Map<string, LevelNode<V>> | undefined;
  value: V | undefined;
}

export class LevelTree<V> {
  readonly root: LevelNode<V> = { children: undefined, value: undefined };

  get(levels: readonly string[]): V | undefined {
    let node: LevelNode<V> | undefined = this.root;
    for (const level of levels) {
      node = node.children?.get(level);
      if (!node) return undefined;
    }
    return node.value;
  }

  /** The value at `levels`, created by `create` when absent. */
  ensure(levels: readonly string[], create: () => V): V {
    let node = this.root;
    for (const level of levels) {
      node.children ??= new Map();
      let child = node.children.get(level);
      if (!child) {
        child = { children: undefined, value: undefined };
        node.children.set(level, child);
      }
      node = child;
    }
    node.value ??= create();
    return node.value;
  }

  set(levels: readonly string[], value: V): void {
    let node = this.root;
    for (const level of levels) {
      node.children ??= new Map();
      let child = node.children.get(level);
      if (!child) {
        child = { children: undefined, value: undefined };
        node.children.set(level, child);
      }
      node = child;
    }
    node.value = value;
  }

  /** Removes the value at `levels` and prunes the branches left empty. */
  delete(levels: readonly string[]): V | undefined {
    const path: LevelNode<V>[] = [this.root];
    let node: LevelNode<V> = this.root;
    for (const level of levels) {
      const child = node.children?.get(level);
      if (!child) return undefined;
      path.push(child);
      node = child;
    }
    const removed = node.value;
    node.value = undefined;
    for (let i = levels.length; i > 0; i--) {
      const current = path[i]!;
      if (current.value !== undefined || (current.children && current.children.size > 0)) break;
      path[i - 1]!.children!.delete(levels[i - 1]!);
    }
    return removed;
  }
}
