import { describe, expect, it } from 'vitest';
import type { TopicView } from '../../shared/admin/broker-link.ts';
import { buildTopicTree, findNode, flattenTree, searchTree } from './topic-tree.ts';

const topic = (name: string, messages = 1, rate = 0, retained = false): TopicView => ({
  topic: name,
  messages,
  rate,
  retained,
  lastAt: 1000 + messages,
});

const topics = [
  topic('home/kitchen/temp', 10, 1),
  topic('home/kitchen/humidity', 5, 0.5, true),
  topic('home/garage', 2),
  topic('home/garage/door', 3),
  topic('/leading', 1),
  topic('devices/10'),
  topic('devices/9'),
];

describe('buildTopicTree', () => {
  const tree = buildTopicTree(topics);

  it('adds up counts, rates and retained flags over each subtree', () => {
    const home = findNode(tree, 'home')!;
    expect(home.topicCount).toBe(4);
    expect(home.messages).toBe(20);
    expect(home.rate).toBeCloseTo(1.5);
    expect(home.retained).toBe(1);
    expect(tree.topicCount).toBe(topics.length);
  });

  it('keeps a topic that also has children as both a leaf and a branch', () => {
    const garage = findNode(tree, 'home/garage')!;
    expect(garage.topic?.messages).toBe(2);
    expect(garage.children.map((child) => child.name)).toEqual(['door']);
  });

  it('keeps empty levels and sorts numbers naturally', () => {
    expect(findNode(tree, '/leading')?.topic).toBeDefined();
    expect(tree.children.map((child) => child.name)).toEqual(['', 'devices', 'home']);
    expect(findNode(tree, 'devices')!.children.map((child) => child.name)).toEqual(['9', '10']);
  });
});

describe('flattenTree', () => {
  it('lists the children of expanded nodes only, depth first', () => {
    const tree = buildTopicTree(topics);
    const rows = flattenTree(tree, (node) => node.path === 'home');
    expect(rows.map((row) => row.node.path)).toEqual(['', 'devices', 'home', 'home/garage', 'home/kitchen']);
    expect(rows.find((row) => row.node.path === 'home')?.expanded).toBe(true);
  });
});

describe('searchTree', () => {
  it('keeps matching topics and their ancestors', () => {
    const rows = searchTree(buildTopicTree(topics), 'KITCHEN/T');
    expect(rows.map((row) => row.node.path)).toEqual(['home', 'home/kitchen', 'home/kitchen/temp']);
  });

  it('finds nothing when nothing matches', () => {
    expect(searchTree(buildTopicTree(topics), 'nowhere')).toEqual([]);
  });
});
