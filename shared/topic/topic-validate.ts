/** Topic name and filter rules of MQTT 3.1.1 §4.7 and 5.0 §4.7. */

/** A topic name in PUBLISH: non-empty [MQTT-4.7.3-1], no wildcards [MQTT-3.3.2-2]. */
export function isValidTopicName(topic: string): boolean {
  return topic.length > 0 && !topic.includes('+') && !topic.includes('#');
}

/** A topic filter in SUBSCRIBE/UNSUBSCRIBE: non-empty [MQTT-4.7.3-1]; `#` only as the whole last
 * level [MQTT-4.7.1-2]; `+` only as a whole level [MQTT-4.7.1-3]. */
export function isValidTopicFilter(filter: string): boolean {
  if (filter.length === 0) return false;
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) return false;
    if (level.includes('+') && level !== '+') return false;
  }
  return true;
}

export function splitLevels(topic: string): string[] {
  return topic.split('/');
}
