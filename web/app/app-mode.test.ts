import { describe, expect, it } from 'vitest';
import { modeHref, readMode } from './app-mode.ts';

describe('app mode', () => {
  it('is the server unless the query or the path asks for the sandbox', () => {
    expect(readMode('http://127.0.0.1:8080/#/topics')).toBe('server');
    expect(readMode('http://127.0.0.1:8080/?mode=sandbox#/topics')).toBe('sandbox');
    expect(readMode('http://127.0.0.1:8080/sandbox')).toBe('sandbox');
    expect(readMode('http://127.0.0.1:8080/sandbox-notes')).toBe('server');
  });

  it('switches modes keeping the rest of the address', () => {
    expect(modeHref('sandbox', 'http://h/app/?token=x#/sessions')).toBe(
      'http://h/app/?token=x&mode=sandbox#/sandbox',
    );
    expect(modeHref('server', 'http://h/app/?mode=sandbox#/sandbox')).toBe('http://h/app/#/overview');
    expect(modeHref('server', 'http://h/sandbox#/topics')).toBe('http://h/#/overview');
    expect(readMode(modeHref('sandbox', 'file:///srv/dist/web/index.html'))).toBe('sandbox');
  });
});
