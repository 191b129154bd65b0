import type { TopicView } from '../../shared/admin/broker-link.ts';

/** One level of the topic hierarchy, with figures added up over everything below it. */
export interface TopicNode {
  /** This level's name; '' for an empty level (`a//b`, a leading `/`). */
  name: string;
  /** The topic up to and including this level. */
  path: string;
  depth: number;
  /** Set when a message was published to exactly this topic. */
  topic?: TopicView;
  children: TopicNode[];
  /** Topics at or below this level. */
  topicCount: number;
  messages: number;
  rate: number;
  lastAt: number;
  retained: number;
}

export interface TopicRow {
  node: TopicNode;
  expanded: boolean;
}

interface Building extends Omit<TopicNode, 'children'> {
  childMap: Map<string, Building>;
}

const newNode = (name: string, path: string, depth: number): Building => ({
  name,
  path,
  depth,
  childMap: new Map(),
  topicCount: 0,
  messages: 0,
  rate: 0,
  lastAt: 0,
  retained: 0,
});

/** Builds the tree from the broker's flat topic list; children sorted by name. */
export function buildTopicTree(topics: readonly TopicView[]): TopicNode {
  const root = newNode('', '', -1);
  for (const topic of topics) {
    const levels = topic.topic.split('/');
    let node = root;
    addFigures(node, topic);
    for (let depth = 0; depth < levels.length; depth++) {
      const name = levels[depth]!;
      let child = node.childMap.get(name);
      if (!child) {
        child = newNode(name, depth === 0 ? name : `${node.path}/${name}`, depth);
        node.childMap.set(name, child);
      }
      node = child;
      addFigures(node, topic);
    }
    node.topic = topic;
  }
  return freeze(root);
}

function addFigures(node: Building, topic: TopicView): void {
  node.topicCount++;
  node.messages += topic.messages;
  node.rate += topic.rate;
  if (topic.retained) node.retained++;
  if (topic.lastAt !== undefined && topic.lastAt > node.lastAt) node.lastAt = topic.lastAt;
}

function freeze(node: Building): TopicNode {
  const { childMap, ...rest } = node;
  const children = [...childMap.values()].sort(compareNames).map(freeze);
  return { ...rest, children };
}

const collator = new Intl.Collator('en', { numeric: true });
const compareNames = (a: Building, b: Building): number => collator.compare(a.name, b.name);

/** The rows to draw: every child of an expanded node, depth first. */
export function flattenTree(root: TopicNode, isExpanded: (node: TopicNode) => boolean): TopicRow[] {
  const rows: TopicRow[] = [];
  const visit = (node: TopicNode): void => {
    for (const child of node.children) {
      const expanded = child.children.length > 0 && isExpanded(child);
      rows.push({ node: child, expanded });
      if (expanded) visit(child);
    }
  };
  visit(root);
  return rows;
}

/** Rows for a search: topics whose path contains `search` (case-insensitive) and their ancestors,
 * all expanded. */
export function searchTree(root: TopicNode, search: string): TopicRow[] {
  const needle = search.toLowerCase();
  const rows: TopicRow[] = [];
  const visit = (node: TopicNode): boolean => {
    let any = false;
    for (const child of node.children) {
      const row: TopicRow = { node: child, expanded: child.children.length > 0 };
      const at = rows.length;
      rows.push(row);
      const below = visit(child);
      const self = child.topic !== undefined && child.path.toLowerCase().includes(needle);
      if (below || self) {
        any = true;
      } else {
        rows.length = at;
      }
    }
    return any;
  };
  visit(root);
  return rows;
}

/** Finds the node for a topic path, if it is in the tree. */
export function findNode(root: TopicNode, path: string): TopicNode | undefined {
  let node: TopicNode | undefined = root;
  for (const name of path.split('/')) {
    node = node.children.find((child) => child.name === name);
    if (!node) return undefined;
  }
  return node;
}
