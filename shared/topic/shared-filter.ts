/** `$share/{ShareName}/{filter}` (MQTT 5.0 §4.8.2), also accepted from 3.1.1 clients. */
export interface SharedFilter {
  group: string;
  filter: string;
}

const PREFIX = '$share/';

export function isSharedFilter(filter: string): boolean {
  return filter.startsWith(PREFIX);
}

/** The group and inner filter, or undefined when malformed: the ShareName is at least one character
 * with no `/`, `+` or `#` [MQTT-4.8.2-1], and is followed by `/` and a filter [MQTT-4.8.2-2]. */
export function parseSharedFilter(filter: string): SharedFilter | undefined {
  if (!filter.startsWith(PREFIX)) return undefined;
  const slash = filter.indexOf('/', PREFIX.length);
  if (slash < 0) return undefined;
  const group = filter.slice(PREFIX.length, slash);
  const inner = filter.slice(slash + 1);
  if (group.length === 0 || group.includes('+') || group.includes('#') || inner.length === 0)
    return undefined;
  return { group, filter: inner };
}
