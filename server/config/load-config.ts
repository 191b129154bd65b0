import { readFile } from 'node:fs/promises';
import { parse, TomlError } from 'smol-toml';
import { dashboardRules, limitsRules, logRules, mqttRules, type SectionRules } from './config-fields.ts';
import { cloneConfig, defaultConfig, type ListenerSpec, type ServerConfig } from './config-schema.ts';
import { isLoopbackHost, parseListenUrl } from './listen-url.ts';
import { suggestKey } from './suggest-key.ts';
import { findKeyLine, findStringLine } from './toml-key-lines.ts';
import { describeValue, isTable } from './value-checks.ts';

export { parseListenUrl };

export interface ConfigErrorOptions {
  fileName: string;
  /** Dotted TOML key, e.g. `limits.max_connections`; undefined for file and syntax errors. */
  key?: string | undefined;
  line?: number | undefined;
  column?: number | undefined;
  reason: string;
  cause?: unknown;
}

/** A config problem as one line: `file:line: key: reason`, leaving out the parts that are unknown. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly fileName: string;
  readonly key: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly reason: string;

  constructor(options: ConfigErrorOptions) {
    const { fileName, key, line, column, reason } = options;
    const location = [fileName, line, line === undefined ? undefined : column]
      .filter((part) => part !== undefined)
      .join(':');
    super(`${location}: ${key === undefined ? '' : `${key}: `}${reason}`, { cause: options.cause });
    this.fileName = fileName;
    this.key = key;
    this.line = line;
    this.column = column;
    this.reason = reason;
  }
}

/** Reads a TOML config file; without a path, the embedded defaults apply. */
export async function loadConfig(path: string | undefined): Promise<ServerConfig> {
  if (path === undefined) return cloneConfig(defaultConfig);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'config file not found' : `cannot read config file (${String(error)})`;
    throw new ConfigError({ fileName: path, reason, cause: error });
  }
  return parseConfig(text, path);
}

/** Parses TOML text over the defaults; every problem is a ConfigError naming `fileName`. */
export function parseConfig(text: string, fileName: string): ServerConfig {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const fail = (path: readonly string[], reason: string, line = findKeyLine(source, path)): never => {
    throw new ConfigError({ fileName, key: formatKeyPath(path), line, reason });
  };
  const root = parseToml(source, fileName);
  const config = cloneConfig(defaultConfig);
  const sections = ['listen', 'limits', 'log', 'dashboard', 'mqtt'];
  for (const [key, value] of Object.entries(root)) {
    if (key === 'listen') config.listen = readListen(source, value, fail);
    else if (key === 'limits') readSection(['limits'], value, limitsRules, config.limits, fail);
    else if (key === 'log') readSection(['log'], value, logRules, config.log, fail);
    else if (key === 'dashboard') readSection(['dashboard'], value, dashboardRules, config.dashboard, fail);
    else if (key === 'mqtt') readSection(['mqtt'], value, mqttRules, config.mqtt, fail);
    else fail([key], unknownKeyReason(key, sections));
  }
  const { keepaliveMin, keepaliveMax } = config.limits;
  if (keepaliveMax < keepaliveMin) {
    fail(
      ['limits', 'keepalive_max'],
      `must be >= limits.keepalive_min (${keepaliveMin}), got ${keepaliveMax}`,
    );
  }
  const { dashboard } = config;
  if (dashboard.enabled && dashboard.adminToken === undefined && !isLoopbackHost(dashboard.listen.host)) {
    fail(['dashboard', 'listen'], unprotectedDashboardReason(dashboard.listen.url));
  }
  return config;
}

/** Why a dashboard on a non-loopback address needs a token; shared with the server's own check. */
export function unprotectedDashboardReason(url: string): string {
  return `${url} is reachable from other machines: set dashboard.admin_token, or listen on 127.0.0.1`;
}

type Fail = (path: readonly string[], reason: string, line?: number) => never;

function parseToml(source: string, fileName: string): Record<string, unknown> {
  try {
    return parse(source);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const reason = error.message.split('\n', 1)[0] ?? 'invalid TOML';
    throw new ConfigError({ fileName, line: error.line, column: error.column, reason, cause: error });
  }
}

function readSection<S>(
  path: readonly string[],
  value: unknown,
  rules: SectionRules<S>,
  target: S,
  fail: Fail,
): void {
  if (!isTable(value)) fail(path, `expected a table, got ${describeValue(value)}`);
  for (const [key, item] of Object.entries(value)) {
    const keyPath = [...path, key];
    // hasOwn: a key such as `constructor` must not find Object.prototype members.
    const rule = Object.hasOwn(rules, key) ? rules[key] : undefined;
    if (rule === undefined) fail(keyPath, unknownKeyReason(key, Object.keys(rules)));
    try {
      rule.assign(target, item);
    } catch (error) {
      fail(keyPath, (error as Error).message);
    }
  }
}

function readListen(source: string, value: unknown, fail: Fail): ListenerSpec[] {
  if (!Array.isArray(value)) {
    return fail(['listen'], `expected an array of listener URLs, got ${describeValue(value)}`);
  }
  if (value.length === 0) return fail(['listen'], 'expected at least one listener URL');
  return value.map((item: unknown) => {
    if (typeof item !== 'string') {
      return fail(['listen'], `expected listener URL strings, got ${describeValue(item)}`);
    }
    try {
      return parseListenUrl(item);
    } catch (error) {
      // Multi-line arrays are common here: point at the offending element, not just `listen =`.
      const keyLine = findKeyLine(source, ['listen']);
      const line = keyLine === undefined ? undefined : (findStringLine(source, keyLine, item) ?? keyLine);
      return fail(['listen'], (error as Error).message, line);
    }
  });
}

function unknownKeyReason(key: string, known: readonly string[]): string {
  const suggestion = suggestKey(key, known);
  return suggestion === undefined ? 'unknown key' : `unknown key (did you mean ${suggestion}?)`;
}

/** Dotted key as the user would write it: bare segments where TOML allows, quoted otherwise. */
function formatKeyPath(path: readonly string[]): string {
  return path.map((key) => (/^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key))).join('.');
}
