// mqtt-spec: 3.1.1
import { describe, expect, it } from 'vitest';
import { isValidTopicFilter, isValidTopicName, splitLevels } from './topic-validate.ts';

describe('isValidTopicName', () => {
  it.each(['a', 'a/b/c', '/', '/a', 'a/', 'a//b', '$SYS/broker', 'a/$b', ' ', 'caf\u00e9/\u{1F600}'])(
    'accepts %j',
    (topic) => {
      expect(isValidTopicName(topic)).toBe(true);
    },
  );

  it('[MQTT-4.7.3-1] rejects an empty topic name', () => {
    expect(isValidTopicName('')).toBe(false);
  });

  it.each(['+', '#', 'a/+', 'a/#', 'a/+/b', 'a+', 'a#b', '+/a', 'sport/tennis#'])(
    '[MQTT-4.7.1-1] [MQTT-3.3.2-2] rejects the wildcard character in topic name %j',
    (topic) => {
      expect(isValidTopicName(topic)).toBe(false);
    },
  );
});

describe('isValidTopicFilter', () => {
  it.each(['a', 'a/b', '#', 'a/#', '/#', '+', '+/+', 'a/+/b', '/+', '+/', '+/#', 'a//b', '$SYS/#', '/'])(
    'accepts %j',
    (filter) => {
      expect(isValidTopicFilter(filter)).toBe(true);
    },
  );

  it('[MQTT-4.7.3-1] rejects an empty topic filter', () => {
    expect(isValidTopicFilter('')).toBe(false);
  });

  it.each(['a#', 'a/b#', '#/a', 'a/#/b', '#/', 'a/#/', '##', 'sport/tennis#', '#+'])(
    '[MQTT-4.7.1-2] rejects %j: "#" must be a whole level and the last one',
    (filter) => {
      expect(isValidTopicFilter(filter)).toBe(false);
    },
  );

  it.each(['a+', '+a', 'a/b+/c', '++', 'sport+', 'a/+b'])(
    '[MQTT-4.7.1-3] rejects %j: "+" must fill a whole level',
    (filter) => {
      expect(isValidTopicFilter(filter)).toBe(false);
    },
  );

  it('[MQTT-4.7.1-1] every valid topic filter without wildcards is also a valid topic name', () => {
    for (const filter of ['a', 'a/b', '/', 'a//b', '$SYS/x']) {
      expect(isValidTopicFilter(filter)).toBe(true);
      expect(isValidTopicName(filter)).toBe(true);
    }
  });
});

describe('splitLevels', () => {
  it('keeps empty levels: a leading, trailing or doubled "/" makes a zero-length level', () => {
    expect(splitLevels('a')).toEqual(['a']);
    expect(splitLevels('/')).toEqual(['', '']);
    expect(splitLevels('/a')).toEqual(['', 'a']);
    expect(splitLevels('a/')).toEqual(['a', '']);
    expect(splitLevels('a//b')).toEqual(['a', '', 'b']);
  });
});
