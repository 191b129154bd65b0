import type { LogFields, Logger } from '../../shared/index.ts';
import type { LogFormat, LogLevel } from '../config/config-schema.ts';

const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface LoggerOptions {
  level: LogLevel;
  format: LogFormat;
  /** Where lines go; stderr by default so that stdout stays for the listen addresses. */
  write?: (line: string) => void;
}

/** One line per event: `2026-11-26T23:59:01.123Z warn closing connection clientId=a reason=…` or
 * the same as a JSON object. */
export function createLogger(options: LoggerOptions): Logger {
  const threshold = levelRank[options.level];
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const log =
    (level: Exclude<LogLevel, 'silent'>) =>
    (message: string, fields?: LogFields): void => {
      if (levelRank[level] < threshold) return;
      const time = new Date().toISOString();
      if (options.format === 'json') {
        write(JSON.stringify({ time, level, msg: message, ...fields }));
        return;
      }
      let line = `${time} ${level.padEnd(5)} ${message}`;
      if (fields) {
        for (const [key, value] of Object.entries(fields)) {
          if (value !== undefined) line += ` ${key}=${formatValue(value)}`;
        }
      }
      write(line);
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

function formatValue(value: string | number | boolean): string {
  const text = String(value);
  return /[\s"=]/.test(text) ? JSON.stringify(text) : text;
}
