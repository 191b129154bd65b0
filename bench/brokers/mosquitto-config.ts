import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { benchLimits } from './bench-limits.ts';

/** The `mosquitto` executable, or undefined. Debian installs it in /usr/sbin, often not on a user's PATH. */
export function findMosquitto(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, 'mosquitto');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** A config of our own: loopback only, anonymous, in memory, limits as for the other brokers. */
export function mosquittoConfig(port: number): string {
  return [
    `listener ${port} 127.0.0.1`,
    'allow_anonymous true',
    'persistence false',
    `max_queued_messages ${benchLimits.maxQueuedMessages}`,
    `max_inflight_messages ${benchLimits.maxInflight}`,
    'set_tcp_nodelay true',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    '',
  ].join('\n');
}
