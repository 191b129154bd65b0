/** Display formatting shared by the views: compact counts, bytes, rates, durations and times. */

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat('en');
const oneDecimal = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

export function formatCount(value: number): string {
  return Math.abs(value) < 10_000 ? whole.format(value) : compact.format(value);
}

/** Every digit, for totals the user may want to read exactly: `10,000`. */
export function formatExact(value: number): string {
  return whole.format(value);
}

export function formatRate(perSecond: number): string {
  if (perSecond === 0) return '0';
  if (perSecond < 10) return oneDecimal.format(perSecond);
  return formatCount(Math.round(perSecond));
}

const byteUnits = ['B', 'KB', 'MB', 'GB', 'TB'];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < byteUnits.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? whole.format(Math.round(value)) : oneDecimal.format(value)} ${byteUnits[unit]}`;
}

/** `3d 4h`, `2h 5m`, `4m 10s`, `12s`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  if (minutes > 0) return `${minutes}m ${s % 60}s`;
  return `${s}s`;
}

/** How long ago `at` was, relative to `now`: `just now`, `5s ago`, `3m ago`, `2h ago`, `4d ago`. */
export function formatAgo(at: number, now: number): string {
  const seconds = Math.round((now - at) / 1000);
  if (seconds < 2) return 'just now';
  return `${formatDuration(seconds).split(' ')[0]} ago`;
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** Local wall-clock time with milliseconds, for message streams. */
export function formatClock(at: number, withMillis = true): string {
  const date = new Date(at);
  const base = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return withMillis ? `${base}.${pad(date.getMilliseconds(), 3)}` : base;
}

/** Local date and time, e.g. `2026-03-04 09:15:02`. */
export function formatDateTime(at: number): string {
  const date = new Date(at);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${formatClock(at, false)}`;
}

export function formatProtocol(version: number | undefined): string {
  switch (version) {
    case 3:
      return 'MQTT 3.1';
    case 4:
      return 'MQTT 3.1.1';
    case 5:
      return 'MQTT 5.0';
    default:
      return '—';
  }
}
