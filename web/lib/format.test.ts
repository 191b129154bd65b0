import { describe, expect, it } from 'vitest';
import { formatAgo, formatBytes, formatCount, formatDuration, formatRate } from './format.ts';

describe('format', () => {
  it('keeps counts exact below 10,000 and compact above', () => {
    expect(formatCount(9999)).toBe('9,999');
    expect(formatCount(10_000)).toBe('10K');
    expect(formatCount(1_250_000)).toBe('1.3M');
  });

  it('shows small rates with one decimal', () => {
    expect(formatRate(0)).toBe('0');
    expect(formatRate(0.25)).toBe('0.3');
    expect(formatRate(1234.4)).toBe('1,234');
  });

  it('shows whole bytes and scaled units', () => {
    expect(formatBytes(45.216)).toBe('45 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5 GB');
  });

  it('shows durations and ages by their two largest units', () => {
    expect(formatDuration(59)).toBe('59s');
    expect(formatDuration(3 * 86_400 + 4 * 3600 + 5)).toBe('3d 4h');
    expect(formatAgo(1000, 1500)).toBe('just now');
    expect(formatAgo(0, 125_000)).toBe('2m ago');
  });
});
