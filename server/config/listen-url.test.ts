import { describe, expect, it } from 'vitest';
import { isLoopbackHost, parseDashboardUrl, parseListenUrl } from './listen-url.ts';

describe('parseListenUrl', () => {
  it('parses tcp URLs', () => {
    expect(parseListenUrl('tcp://0.0.0.0:1883')).toEqual({
      protocol: 'tcp',
      host: '0.0.0.0',
      port: 1883,
      path: '',
      url: 'tcp://0.0.0.0:1883',
    });
    expect(parseListenUrl('TCP://localhost:1883/').path).toBe('');
  });

  it('gives ws URLs without a path the /mqtt path', () => {
    expect(parseListenUrl('ws://127.0.0.1:8080')).toEqual({
      protocol: 'ws',
      host: '127.0.0.1',
      port: 8080,
      path: '/mqtt',
      url: 'ws://127.0.0.1:8080',
    });
  });

  it('keeps an explicit ws path', () => {
    expect(parseListenUrl('ws://127.0.0.1:8080/broker/mqtt').path).toBe('/broker/mqtt');
    expect(parseListenUrl('ws://127.0.0.1:8080/').path).toBe('/');
  });

  it('accepts bracketed IPv6 hosts and returns them unbracketed', () => {
    expect(parseListenUrl('tcp://[::1]:1883')).toMatchObject({ host: '::1', port: 1883 });
    expect(parseListenUrl('ws://[::]:0')).toMatchObject({ host: '::', port: 0, path: '/mqtt' });
  });

  it('allows port 0 and 65535', () => {
    expect(parseListenUrl('tcp://127.0.0.1:0').port).toBe(0);
    expect(parseListenUrl('tcp://127.0.0.1:65535').port).toBe(65535);
  });

  it.each([
    ['tls://0.0.0.0:8883', 'unsupported scheme "tls"'],
    ['http://0.0.0.0:80', 'unsupported scheme "http"'],
    ['wss://0.0.0.0:443', 'unsupported scheme "wss"'],
    ['0.0.0.0:1883', 'expected a URL like'],
    ['tcp://127.0.0.1:65536', 'port must be an integer in 0..65535, got "65536"'],
    ['tcp://127.0.0.1:-1', 'port must be an integer in 0..65535, got "-1"'],
    ['tcp://127.0.0.1:abc', 'port must be an integer in 0..65535, got "abc"'],
    ['tcp://127.0.0.1', 'missing port'],
    ['tcp://127.0.0.1:', 'missing port'],
    ['tcp://:1883', 'missing host'],
    ['tcp://::1:1883', 'IPv6 hosts must be in brackets'],
    ['tcp://[::g]:1883', 'invalid IPv6 address "::g"'],
    ['tcp://[::1:1883', 'unclosed "["'],
    ['tcp://user@host:1883', 'invalid host "user@host"'],
    ['tcp://127.0.0.1:1883/mqtt', 'tcp listeners take no path'],
    ['ws://127.0.0.1:8080/mqtt?x=1', 'query strings and fragments are not supported'],
  ])('rejects %s', (url, reason) => {
    expect(() => parseListenUrl(url)).toThrow(`${JSON.stringify(url)}: ${reason}`);
  });
});

describe('parseDashboardUrl', () => {
  it('parses http://host:port with or without a trailing slash', () => {
    expect(parseDashboardUrl('http://127.0.0.1:8080')).toEqual({
      host: '127.0.0.1',
      port: 8080,
      url: 'http://127.0.0.1:8080',
    });
    expect(parseDashboardUrl('HTTP://[::1]:0/')).toMatchObject({ host: '::1', port: 0 });
  });

  it.each([
    ['https://127.0.0.1:8080', 'expected a URL like http://127.0.0.1:8080'],
    ['http://127.0.0.1:8080/x', 'expected a URL like http://127.0.0.1:8080'],
    ['http://127.0.0.1:8080?a', 'expected a URL like http://127.0.0.1:8080'],
    ['http://127.0.0.1', 'missing port'],
    ['http://:8080', 'missing host'],
    ['http://127.0.0.1:70000', 'port must be an integer'],
  ])('rejects %s', (url, reason) => {
    expect(() => parseDashboardUrl(url)).toThrow(`${JSON.stringify(url)}: ${reason}`);
  });
});

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.255.0.9', 'localhost', 'LOCALHOST', '::1', '::ffff:127.0.0.1'])(
    '%s is loopback',
    (host) => {
      expect(isLoopbackHost(host)).toBe(true);
    },
  );

  it.each(['0.0.0.0', '::', '192.168.1.2', 'example.com', '127.0.0.1.nip.io', ''])('%s is not', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});
