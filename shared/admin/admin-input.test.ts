import { describe, expect, it } from 'vitest';
import { checkTopicFilter, checkTopicName, parseLiveFilter, parsePublishAction } from './admin-input.ts';
import { decodePayload, toPayloadView } from './payload-view.ts';
import { compileTopicFilter } from './topic-filter-match.ts';

describe('parsePublishAction', () => {
  it('fills defaults', () => {
    expect(parsePublishAction({ topic: 'a' })).toEqual({
      topic: 'a',
      payload: '',
      encoding: 'utf8',
      qos: 0,
      retain: false,
    });
  });

  it.each([null, [], 'text', 5])('refuses a body that is not an object: %j', (body) => {
    expect(() => parsePublishAction(body)).toThrow('expected a JSON object');
  });

  it('checks topic names: no wildcards, no NUL, at most 65535 bytes [MQTT-4.7.3-2] [MQTT-4.7.3-3]', () => {
    expect(() => checkTopicName('a/#')).toThrow('invalid topic name');
    expect(() => checkTopicName('a\u0000b')).toThrow('invalid topic name');
    expect(() => checkTopicName('é'.repeat(40_000))).toThrow('invalid topic name');
    expect(checkTopicName('$SYS/custom')).toBe('$SYS/custom');
  });

  it('checks topic filters [MQTT-4.7.1-2] [MQTT-4.7.1-3]', () => {
    expect(checkTopicFilter('a/+/#')).toBe('a/+/#');
    expect(() => checkTopicFilter('a/b+')).toThrow('invalid topic filter');
    expect(() => checkTopicFilter(undefined)).toThrow('filter is required');
  });
});

describe('parseLiveFilter', () => {
  it('fills defaults: no publishes, "#", 10 a second', () => {
    expect(parseLiveFilter({})).toEqual({ publishes: 'none', topicFilter: '#', maxPerSecond: 10 });
    expect(parseLiveFilter({ publishes: 'all', topicFilter: '' }).topicFilter).toBe('#');
  });
});

describe('payload views', () => {
  it('encodes a preview in base64 and says when it is cut', () => {
    expect(toPayloadView(new TextEncoder().encode('hi'))).toEqual({
      base64: 'aGk=',
      size: 2,
      truncated: false,
    });
    expect(toPayloadView(new Uint8Array(2000))).toMatchObject({ size: 2000, truncated: true });
    expect(toPayloadView(new Uint8Array(2000)).base64).toHaveLength(Math.ceil(1024 / 3) * 4);
  });

  it('decodes utf8 and canonical base64 payloads only', () => {
    expect([...decodePayload('é', 'utf8')!]).toEqual([0xc3, 0xa9]);
    expect([...decodePayload('AQI=', 'base64')!]).toEqual([1, 2]);
    expect(decodePayload('', 'base64')).toEqual(new Uint8Array());
    expect(decodePayload('AQI', 'base64')).toBeUndefined();
    expect(decodePayload('A QI=', 'base64')).toBeUndefined();
  });
});

describe('compileTopicFilter', () => {
  it.each([
    ['#', 'a/b', true],
    ['#', '$SYS/x', false],
    ['+/x', '$SYS/x', false],
    ['$SYS/#', '$SYS/broker/uptime', true],
    ['a/#', 'a', true],
    ['a/#', 'ab', false],
    ['a/+', 'a/b', true],
    ['a/+', 'a/b/c', false],
    ['a/+', 'a/', true],
    ['+/+', '/x', true],
    ['a/b', 'a/b', true],
    ['a/b', 'a/c', false],
  ])('%s matches %s: %s', (filter, topic, expected) => {
    expect(compileTopicFilter(filter)!(topic)).toBe(expected);
  });

  it('gives undefined for an invalid filter', () => {
    expect(compileTopicFilter('a/#/b')).toBeUndefined();
  });
});
