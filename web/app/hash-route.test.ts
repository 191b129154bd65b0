import { describe, expect, it } from 'vitest';
import { formatHash, parseHash } from './hash-route.ts';

describe('hash routes', () => {
  it('round-trips a view with a parameter holding slashes and spaces', () => {
    const route = { view: 'topics', param: 'home/kitchen temp/#' } as const;
    expect(parseHash(formatHash(route))).toEqual(route);
  });

  it('falls back to the overview for unknown or empty hashes', () => {
    expect(parseHash('')).toEqual({ view: 'overview' });
    expect(parseHash('#/nope/x')).toEqual({ view: 'overview' });
    expect(parseHash('#/sessions/%E0%A4')).toEqual({ view: 'sessions' });
  });
});
