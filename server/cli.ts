#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { cloneConfig, type LogLevel, logLevels, type ServerConfig } from './config/config-schema.ts';
import { parseDashboardUrl } from './config/listen-url.ts';
import { ConfigError, loadConfig, parseListenUrl } from './config/load-config.ts';
import { createLogger } from './logging/create-logger.ts';
import { startServer } from './start-server.ts';

const usage = `Usage: iothub [--config iothub.toml] [--listen URL]... [--dashboard URL|off] [--log-level LEVEL]

  -c, --config FILE     TOML configuration (defaults are built in)
  -l, --listen URL      listen on URL instead of the configured listeners, e.g. tcp://0.0.0.0:1883
      --dashboard URL   serve the dashboard on URL (e.g. http://127.0.0.1:8080), or "off"
      --log-level LEVEL debug | info | warn | error | silent
  -h, --help            this text`;

const SHUTDOWN_DEADLINE_MS = 5000;

async function main(): Promise<number> {
  let args: ReturnType<typeof parseCliArgs>;
  try {
    args = parseCliArgs();
  } catch (error) {
    return fail(`${(error as Error).message}\n${usage}`);
  }
  if (args.values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  let config: ServerConfig;
  try {
    config = cloneConfig(await loadConfig(args.values.config));
    if (args.values.listen) config.listen = args.values.listen.map(parseListenUrl);
    const dashboard = args.values.dashboard;
    if (dashboard === 'off') config.dashboard.enabled = false;
    else if (dashboard !== undefined)
      config.dashboard = { ...config.dashboard, enabled: true, listen: parseDashboardUrl(dashboard) };
    const level = args.values['log-level'];
    if (level) config.log.level = checkLogLevel(level);
  } catch (error) {
    return fail(error instanceof ConfigError ? error.message : `iothub: ${(error as Error).message}`);
  }
  const logger = createLogger(config.log);
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(config, logger);
  } catch (error) {
    return fail(`iothub: cannot listen: ${describeListenError(error)}`);
  }
  for (const listener of server.listeners) process.stdout.write(`iothub listening on ${listener.url}\n`);
  if (server.dashboard) process.stdout.write(`iothub dashboard at ${server.dashboard.url}\n`);

  return new Promise<number>((resolve) => {
    const shutdown = (signal: string): void => {
      logger.info('shutting down', { signal });
      server.stop(SHUTDOWN_DEADLINE_MS).then(() => resolve(0));
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
}

function parseCliArgs() {
  return parseArgs({
    options: {
      config: { type: 'string', short: 'c' },
      listen: { type: 'string', short: 'l', multiple: true },
      dashboard: { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
  });
}

function checkLogLevel(level: string): LogLevel {
  const known = logLevels.find((name) => name === level);
  if (known) return known;
  throw new Error(`--log-level: expected one of ${logLevels.join(', ')}, got "${level}"`);
}

function describeListenError(error: unknown): string {
  const err = error as NodeJS.ErrnoException & { address?: string; port?: number };
  if (err.code === 'EADDRINUSE') return `address ${err.address}:${err.port} is already in use`;
  if (err.code === 'EACCES') return `permission denied for ${err.address}:${err.port}`;
  return err.message;
}

function fail(message: string): number {
  process.stderr.write(`${message}\n`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`iothub: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
