import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from './config-schema.ts';
import { ConfigError, loadConfig, parseConfig, parseListenUrl } from './load-config.ts';

const file = 'iothub.toml';

/** Runs parseConfig expecting a ConfigError, and returns it for assertions. */
function configError(text: string): ConfigError {
  try {
    parseConfig(text, file);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected parseConfig to throw a ConfigError');
}

function expectError(text: string, key: string, line: number | undefined, fragment: string): ConfigError {
  const error = configError(text);
  expect(error.key).toBe(key);
  expect(error.line).toBe(line);
  expect(error.fileName).toBe(file);
  expect(error.message).toContain(key);
  expect(error.message).toContain(fragment);
  expect(error.message.startsWith(line === undefined ? `${file}: ` : `${file}:${line}: `)).toBe(true);
  expect(error.message).not.toContain('\n');
  return error;
}

describe('defaults', () => {
  it('listens on loopback tcp and ws by default', () => {
    expect(defaultConfig.listen.map((l) => l.url)).toEqual([
      'tcp://127.0.0.1:1883',
      'ws://127.0.0.1:8080/mqtt',
    ]);
  });

  it('an empty file gives the defaults', () => {
    expect(parseConfig('', file)).toEqual(defaultConfig);
    expect(parseConfig('# only a comment\n', file)).toEqual(defaultConfig);
  });

  it('returns a copy that can be changed without touching the defaults', () => {
    const config = parseConfig('', file);
    config.limits.maxConnections = 1;
    config.listen.push(parseListenUrl('tcp://0.0.0.0:0'));
    expect(defaultConfig.limits.maxConnections).toBe(100_000);
    expect(defaultConfig.listen).toHaveLength(2);
  });
});

describe('parseConfig', () => {
  it('names the key and line of a bad MQTT 5 setting', () => {
    expect(() => parseConfig('[mqtt]\nshared_dispatch = "fastest"\n', file)).toThrow(
      /iothub\.toml:2: mqtt\.shared_dispatch: .*round-robin/,
    );
    expect(() => parseConfig('[limits]\nmax_qos = 3\n', file)).toThrow(/iothub\.toml:2: limits\.max_qos/);
  });

  it('reads a full valid file', () => {
    const config = parseConfig(
      `listen = ["tcp://0.0.0.0:1884", "ws://[::]:9001/ws"]

[limits]
max_connections = 10
max_packet_size = 2048
connect_timeout_ms = 500
keepalive_min = 10
keepalive_max = 600
max_inflight = 20
max_queued_messages = 0
max_output_buffer_bytes = 65536
receive_maximum = 50
topic_alias_maximum = 0
max_session_expiry = 86400
max_qos = 1
retain_available = false

[mqtt]
shared_dispatch = "least-inflight"
response_topic_prefix = "replies/"
server_reference = "mqtt://other.example:1883"
server_moved = true

[log]
level = "debug"
format = "json"

[dashboard]
listen = "http://0.0.0.0:9090"
admin_token = "0123456789abcdef0123"
sys_interval = 0
enabled = true
`,
      file,
    );
    expect(config).toEqual({
      listen: [
        { protocol: 'tcp', host: '0.0.0.0', port: 1884, path: '', url: 'tcp://0.0.0.0:1884' },
        { protocol: 'ws', host: '::', port: 9001, path: '/ws', url: 'ws://[::]:9001/ws' },
      ],
      limits: {
        maxConnections: 10,
        maxPacketSize: 2048,
        connectTimeoutMs: 500,
        keepaliveMin: 10,
        keepaliveMax: 600,
        maxInflight: 20,
        maxQueuedMessages: 0,
        maxOutputBufferBytes: 65536,
        receiveMaximum: 50,
        topicAliasMaximum: 0,
        maxSessionExpiry: 86400,
        maxQos: 1,
        retainAvailable: false,
      },
      mqtt: {
        sharedDispatch: 'least-inflight',
        responseTopicPrefix: 'replies/',
        serverReference: 'mqtt://other.example:1883',
        serverMoved: true,
      },
      log: { level: 'debug', format: 'json' },
      dashboard: {
        enabled: true,
        listen: { host: '0.0.0.0', port: 9090, url: 'http://0.0.0.0:9090' },
        adminToken: '0123456789abcdef0123',
        sysInterval: 0,
      },
    });
  });

  it('merges a partial file over the defaults', () => {
    const config = parseConfig('[limits]\nmax_connections = 5\n[log]\nformat = "json"\n', file);
    expect(config.listen).toEqual(defaultConfig.listen);
    expect(config.limits).toEqual({ ...defaultConfig.limits, maxConnections: 5 });
    expect(config.log).toEqual({ level: 'info', format: 'json' });
  });

  it('accepts dotted keys, quoted keys and inline tables', () => {
    const dotted = parseConfig('limits.max_connections = 7\nlog = { level = "warn" }\n', file);
    expect(dotted.limits.maxConnections).toBe(7);
    expect(dotted.log.level).toBe('warn');
    const quoted = parseConfig('[limits]\n"max_inflight" = 3\n', file);
    expect(quoted.limits.maxInflight).toBe(3);
  });
});

describe('parseConfig errors', () => {
  it('reports a wrong type with key and line', () => {
    expectError(
      '# IoTHub\n\n[limits]\n\nmax_connections = "abc"\n',
      'limits.max_connections',
      5,
      'expected a positive integer, got "abc"',
    );
  });

  it.each([
    ['max_connections', '0', 'expected a positive integer, got 0'],
    ['max_connections', '1.5', 'expected a positive integer, got 1.5'],
    ['max_packet_size', '1', 'expected an integer in 2..268435455, got 1'],
    ['max_packet_size', '268435456', 'expected an integer in 2..268435455, got 268435456'],
    ['connect_timeout_ms', '-1', 'expected a positive integer, got -1'],
    ['keepalive_min', '65536', 'expected an integer in 0..65535, got 65536'],
    ['keepalive_max', 'true', 'expected an integer in 0..65535, got true'],
    ['max_inflight', '0', 'expected an integer in 1..65535, got 0'],
    ['max_queued_messages', '-5', 'expected a non-negative integer, got -5'],
    ['max_output_buffer_bytes', '[1]', 'expected a positive integer, got an array'],
    ['max_output_buffer_bytes', 'inf', 'expected a positive integer, got inf'],
  ])('rejects limits.%s = %s', (key, value, reason) => {
    const error = expectError(`[limits]\n${key} = ${value}\n`, `limits.${key}`, 2, reason);
    expect(error.message).toBe(`${file}:2: limits.${key}: ${reason}`);
  });

  it('rejects a bad log level and format, listing the choices', () => {
    expectError('[log]\nlevel = "verbose"\n', 'log.level', 2, 'expected one of "debug", "info"');
    expectError('[log]\nlevel = "info"\nformat = "xml"\n', 'log.format', 3, 'got "xml"');
  });

  it('rejects keepalive_max below keepalive_min, naming keepalive_max', () => {
    expectError(
      '[limits]\nkeepalive_min = 60\nkeepalive_max = 30\n',
      'limits.keepalive_max',
      3,
      'must be >= limits.keepalive_min (60), got 30',
    );
  });

  it('rejects unknown top-level keys', () => {
    expectError('listen = ["tcp://127.0.0.1:0"]\nport = 1883\n', 'port', 2, 'unknown key');
  });

  it('rejects unknown keys in [limits] and suggests the likely one', () => {
    const error = expectError(
      '[limits]\nmax_connections = 5\nmax_conections = 5\n',
      'limits.max_conections',
      3,
      'unknown key (did you mean max_connections?)',
    );
    expect(error.message).toBe(
      `${file}:3: limits.max_conections: unknown key (did you mean max_connections?)`,
    );
    expectError('[limits]\nmaxInflight = 5\n', 'limits.maxInflight', 2, 'did you mean max_inflight?');
  });

  it('gives no suggestion when nothing is close', () => {
    const error = expectError('[log]\ncolour = true\n', 'log.colour', 2, 'unknown key');
    expect(error.message).not.toContain('did you mean');
  });

  it('rejects unknown tables, including nested ones', () => {
    expectError('[log]\nlevel = "info"\n[limit]\nmax_connections = 1\n', 'limit', 3, 'did you mean limits?');
    expectError('[limits]\n[limits.extra]\nx = 1\n', 'limits.extra', 2, 'unknown key');
    expectError('[[tls]]\ncert = "a.pem"\n', 'tls', 1, 'unknown key');
  });

  it('finds the line of top-level dotted keys and quoted keys', () => {
    expectError('\nlimits.max_connections = "x"\n', 'limits.max_connections', 2, 'got "x"');
    expectError('[limits]\n\n  "max_inflight" = 0\n', 'limits.max_inflight', 3, 'got 0');
    expectError("[ 'log' ]\n'level' = 1\n", 'log.level', 2, 'got 1');
  });

  it('omits the line when the key sits in an inline table', () => {
    expectError('limits = { max_inflight = 0 }\n', 'limits.max_inflight', undefined, 'got 0');
  });

  it('rejects a section that is not a table', () => {
    expectError('\nlimits = 5\n', 'limits', 2, 'expected a table, got 5');
  });

  it('rejects a listen value that is not an array of URL strings', () => {
    expectError('listen = "tcp://127.0.0.1:1883"\n', 'listen', 1, 'expected an array of listener URLs');
    expectError('listen = [1883]\n', 'listen', 1, 'expected listener URL strings, got 1883');
    expectError('listen = []\n', 'listen', 1, 'expected at least one listener URL');
  });

  it('reports a bad listen URL on the line of the element', () => {
    expectError(
      '# listeners\nlisten = [\n  "tcp://127.0.0.1:1883",\n  "tls://127.0.0.1:8883",\n]\n',
      'listen',
      4,
      '"tls://127.0.0.1:8883": unsupported scheme "tls"',
    );
    expectError('listen = ["tcp://127.0.0.1:99999"]\n', 'listen', 1, 'port must be an integer');
  });

  it('reports TOML syntax errors with line and column', () => {
    const error = configError('[limits]\nmax_connections = 5\nmax_inflight = = 3\n');
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.key).toBeUndefined();
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/^iothub\.toml:3:\d+: Invalid TOML document: \S.*$/);
    expect(error.message).not.toContain('\n');
  });

  it('reports a redefined table as a syntax error', () => {
    const error = configError('[log]\nlevel = "info"\n[log]\nformat = "json"\n');
    expect(error.line).toBe(3);
  });
});

describe('[dashboard]', () => {
  it('defaults to loopback port 8080 without a token, $SYS every 10 s', () => {
    expect(defaultConfig.dashboard).toEqual({
      enabled: true,
      listen: { host: '127.0.0.1', port: 8080, url: 'http://127.0.0.1:8080' },
      adminToken: undefined,
      sysInterval: 10,
    });
  });

  it('reads listen, admin_token, sys_interval and enabled', () => {
    const config = parseConfig(
      '[dashboard]\nlisten = "http://[::1]:0/"\nsys_interval = 2\nenabled = false\n',
      file,
    );
    expect(config.dashboard).toEqual({
      enabled: false,
      listen: { host: '::1', port: 0, url: 'http://[::1]:0/' },
      adminToken: undefined,
      sysInterval: 2,
    });
  });

  it('refuses a non-loopback listen address without an admin token, naming dashboard.listen', () => {
    expectError(
      '[dashboard]\nsys_interval = 5\nlisten = "http://0.0.0.0:8080"\n',
      'dashboard.listen',
      3,
      'http://0.0.0.0:8080 is reachable from other machines: set dashboard.admin_token',
    );
    expectError(
      '[dashboard]\nlisten = "http://example.com:8080"\n',
      'dashboard.listen',
      2,
      'set dashboard.admin_token',
    );
  });

  it('accepts any loopback address without a token, and a disabled dashboard anywhere', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '[::1]']) {
      expect(
        parseConfig(`[dashboard]\nlisten = "http://${host}:8080"\n`, file).dashboard.adminToken,
      ).toBeUndefined();
    }
    expect(
      parseConfig('[dashboard]\nenabled = false\nlisten = "http://0.0.0.0:1"\n', file).dashboard.enabled,
    ).toBe(false);
  });

  it.each([
    ['listen', '"ws://127.0.0.1:8080"', 'expected a URL like http://127.0.0.1:8080 (no path)'],
    ['listen', '"http://127.0.0.1:8080/dash"', 'expected a URL like http://127.0.0.1:8080 (no path)'],
    ['listen', '"http://127.0.0.1"', 'missing port'],
    ['listen', '8080', 'expected a URL string, got 8080'],
    ['admin_token', '"short"', 'expected at least 16 characters, got 5'],
    ['admin_token', '" 0123456789abcdef "', 'must not start or end with whitespace'],
    ['admin_token', '42', 'expected a string, got 42'],
    ['sys_interval', '-1', 'expected an integer in 0..86400, got -1'],
    ['sys_interval', '"10"', 'expected an integer in 0..86400, got "10"'],
    ['enabled', '"yes"', 'expected true or false, got "yes"'],
  ])('rejects dashboard.%s = %s', (key, value, reason) => {
    expectError(`[dashboard]\n${key} = ${value}\n`, `dashboard.${key}`, 2, reason);
  });

  it('rejects unknown keys in [dashboard] and suggests the likely one', () => {
    expectError('[dashboard]\nadmin_tokn = "x"\n', 'dashboard.admin_tokn', 2, 'did you mean admin_token?');
  });
});

describe('loadConfig', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'iothub-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the defaults without a path', async () => {
    expect(await loadConfig(undefined)).toEqual(defaultConfig);
  });

  it('reads and parses a file', async () => {
    const path = join(dir, 'ok.toml');
    await writeFile(path, '\uFEFFlisten = ["tcp://127.0.0.1:0"]\n[log]\nlevel = "silent"\n');
    const config = await loadConfig(path);
    expect(config.listen).toEqual([parseListenUrl('tcp://127.0.0.1:0')]);
    expect(config.log.level).toBe('silent');
  });

  it('names the file in errors found inside it', async () => {
    const path = join(dir, 'bad.toml');
    await writeFile(path, '[limits]\nmax_inflight = 0\n');
    await expect(loadConfig(path)).rejects.toThrow(`${path}:2: limits.max_inflight:`);
  });

  it('gives a ConfigError naming a missing file', async () => {
    const path = join(dir, 'missing.toml');
    const error = await loadConfig(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ fileName: path, key: undefined, line: undefined });
    expect((error as ConfigError).message).toBe(`${path}: config file not found`);
  });
});
