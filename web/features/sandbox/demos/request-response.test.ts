import { describe, expect, it } from 'vitest';
import { answer } from './request-response.ts';

describe('the request/response demo service', () => {
  it('answers each method, and explains what it cannot answer', () => {
    expect(answer('sum', '{"values":[1,2,39]}')).toEqual({ result: 42 });
    expect(answer('convert', '{"celsius":21.5}')).toEqual({ fahrenheit: 70.7 });
    expect(answer('convert', '{"celsius":"warm"}')).toEqual({ error: 'celsius must be a number' });
    expect(answer('reboot', '{}')).toEqual({ error: 'unknown method reboot' });
    expect(answer('sum', 'nope')).toEqual({ error: 'the request is not JSON' });
  });
});
