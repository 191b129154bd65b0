import { isIPv6 } from 'node:net';
import type { DashboardListen, ListenerProtocol, ListenerSpec } from './config-schema.ts';

const protocols: readonly ListenerProtocol[] = ['tcp', 'ws'];
const defaultWsPath = '/mqtt';
const hostnamePattern = /^[A-Za-z0-9.-]+$/;

/**
 * Parses `tcp://host:port` or `ws://host:port[/path]`. Throws a plain Error whose message starts
 * with the quoted URL, so callers (config loader, CLI flags) can prefix it with their own context.
 */
export function parseListenUrl(url: string): ListenerSpec {
  const fail = (reason: string): never => {
    throw new Error(`${JSON.stringify(url)}: ${reason}`);
  };
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s.exec(url);
  if (!match) return fail('expected a URL like tcp://0.0.0.0:1883 or ws://0.0.0.0:8080/mqtt');
  const [, rawScheme = '', rest = ''] = match;
  const scheme = rawScheme.toLowerCase();
  const protocol = protocols.find((p) => p === scheme);
  if (!protocol) return fail(`unsupported scheme "${scheme}" (supported: ${protocols.join(', ')})`);
  if (/[?#]/.test(rest)) return fail('query strings and fragments are not supported');

  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const rawPath = slash === -1 ? '' : rest.slice(slash);
  const { host, port } = parseAuthority(authority, fail);

  if (protocol === 'tcp') {
    if (rawPath !== '' && rawPath !== '/') return fail(`tcp listeners take no path, got "${rawPath}"`);
    return { protocol, host, port, path: '', url };
  }
  return { protocol, host, port, path: rawPath === '' ? defaultWsPath : rawPath, url };
}

/** Parses the dashboard's `http://host:port` (no path: the dashboard lives at the server's root). */
export function parseDashboardUrl(url: string): DashboardListen {
  const fail = (reason: string): never => {
    throw new Error(`${JSON.stringify(url)}: ${reason}`);
  };
  const match = /^http:\/\/([^/?#]*)(\/?)$/is.exec(url);
  if (!match) return fail('expected a URL like http://127.0.0.1:8080 (no path)');
  const { host, port } = parseAuthority(match[1] ?? '', fail);
  return { host, port, url };
}

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.toLowerCase().replace(/^::ffff:/, '');
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

function parseAuthority(authority: string, fail: (reason: string) => never): { host: string; port: number } {
  let host: string;
  let portText: string | undefined;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close === -1) return fail('unclosed "[" in IPv6 host');
    host = authority.slice(1, close);
    if (!isIPv6(host)) return fail(`invalid IPv6 address "${host}"`);
    const after = authority.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return fail(`unexpected "${after}" after IPv6 host`);
    portText = after === '' ? undefined : after.slice(1);
  } else {
    const colon = authority.lastIndexOf(':');
    host = colon === -1 ? authority : authority.slice(0, colon);
    portText = colon === -1 ? undefined : authority.slice(colon + 1);
    if (host.includes(':')) return fail('IPv6 hosts must be in brackets, e.g. tcp://[::1]:1883');
    if (host === '') return fail('missing host');
    if (!hostnamePattern.test(host)) return fail(`invalid host "${host}"`);
  }
  // No default port: a broker silently binding 1883 or 80 is more surprising than an error.
  if (portText === undefined || portText === '') return fail('missing port');
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (Number.isNaN(port) || port > 65_535)
    return fail(`port must be an integer in 0..65535, got "${portText}"`);
  return { host, port };
}
