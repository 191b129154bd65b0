import { describe, expect, it } from 'vitest';
import { findKeyLine, findStringLine } from './toml-key-lines.ts';

const source = `# comment with key = 1
top = 1
a.b = 2
[limits]
max_connections = 3 # trailing
  "quoted key" = 4
banner = """
fake = 5
"""
[log . 'inner']
x = 6
[[items]]
name = "n"
`;

describe('findKeyLine', () => {
  it.each([
    [['top'], 2],
    [['a', 'b'], 3],
    [['a'], 3],
    [['limits'], 4],
    [['limits', 'max_connections'], 5],
    [['limits', 'quoted key'], 6],
    [['limits', 'banner'], 7],
    [['log'], 10],
    [['log', 'inner', 'x'], 11],
    [['items', 'name'], 13],
  ])('finds %j on line %i', (path, line) => {
    expect(findKeyLine(source, path)).toBe(line);
  });

  it('ignores comments and the inside of multi-line strings', () => {
    expect(findKeyLine(source, ['key'])).toBeUndefined();
    expect(findKeyLine(source, ['limits', 'fake'])).toBeUndefined();
  });

  it('gives undefined for absent keys', () => {
    expect(findKeyLine(source, ['limits', 'nope'])).toBeUndefined();
    expect(findKeyLine('', ['top'])).toBeUndefined();
  });

  it('handles CRLF line endings', () => {
    expect(findKeyLine('[limits]\r\n\r\nmax_inflight = 1\r\n', ['limits', 'max_inflight'])).toBe(3);
  });
});

describe('findStringLine', () => {
  it('finds a quoted string at or after a line', () => {
    const text = 'x = "a"\nlisten = [\n  "a",\n  \'b\',\n]\n';
    expect(findStringLine(text, 2, 'a')).toBe(3);
    expect(findStringLine(text, 2, 'b')).toBe(4);
    expect(findStringLine(text, 2, 'c')).toBeUndefined();
  });
});
