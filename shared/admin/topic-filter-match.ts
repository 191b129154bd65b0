import { isValidTopicFilter } from '../topic/topic-validate.ts';

/** Compiles an MQTT topic filter into a predicate on topic names, with the rule that a wildcard in
 * the first level does not match a topic starting with `$` [MQTT-4.7.2-1]. Undefined when the filter
 * is invalid. */
export function compileTopicFilter(filter: string): ((topic: string) => boolean) | undefined {
  if (!isValidTopicFilter(filter)) return undefined;
  if (filter === '#') return (topic) => !topic.startsWith('$');
  const levels = filter.split('/');
  const wildcardFirst = levels[0] === '+' || levels[0] === '#';
  if (!filter.includes('+') && !filter.includes('#')) return (topic) => topic === filter;
  return (topic) => {
    if (wildcardFirst && topic.startsWith('$')) return false;
    return matchLevels(levels, topic.split('/'));
  };
}

function matchLevels(filter: readonly string[], topic: readonly string[]): boolean {
  for (let i = 0; i < filter.length; i++) {
    const level = filter[i]!;
    // "a/#" also matches "a" [MQTT-4.7.1-2].
    if (level === '#') return true;
    if (i >= topic.length) return false;
    if (level !== '+' && level !== topic[i]) return false;
  }
  return filter.length === topic.length;
}
