import { TomlDate } from 'smol-toml';

/** Returns the checked value or throws a plain Error whose message is the reason (no key, no line). */
export type ValueCheck<T> = (value: unknown) => T;

export function intInRange(
  min: number,
  max: number,
  expected = `an integer in ${min}..${max}`,
): ValueCheck<number> {
  return (value) => {
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max) {
      return value;
    }
    throw new Error(`expected ${expected}, got ${describeValue(value)}`);
  };
}

export const positiveInt = intInRange(1, Number.MAX_SAFE_INTEGER, 'a positive integer');
export const nonNegativeInt = intInRange(0, Number.MAX_SAFE_INTEGER, 'a non-negative integer');

export function oneOf<T extends string>(choices: readonly T[]): ValueCheck<T> {
  const expected = choices.map((c) => JSON.stringify(c)).join(', ');
  return (value) => {
    const match = choices.find((c) => c === value);
    if (match !== undefined) return match;
    throw new Error(`expected one of ${expected}, got ${describeValue(value)}`);
  };
}

export const boolean: ValueCheck<boolean> = (value) => {
  if (typeof value === 'boolean') return value;
  throw new Error(`expected true or false, got ${describeValue(value)}`);
};

/** A string of at least `min` characters without leading or trailing whitespace. */
export function stringOfLength(min: number): ValueCheck<string> {
  return (value) => {
    if (typeof value !== 'string') throw new Error(`expected a string, got ${describeValue(value)}`);
    if (value.trim() !== value) throw new Error('must not start or end with whitespace');
    if (value.length < min) throw new Error(`expected at least ${min} characters, got ${value.length}`);
    return value;
  };
}

export function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof TomlDate);
}

/** Renders a parsed TOML value the way the user likely wrote it, for "got ..." in messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  if (value instanceof TomlDate) return `a date (${value.toISOString()})`;
  if (isTable(value)) return 'a table';
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  }
  return String(value);
}
