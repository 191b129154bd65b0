/**
 * Finds where a key is defined in TOML source. smol-toml returns plain values without positions,
 * so error messages recover the line by scanning the text: `[table]` / `[[table]]` headers set the
 * current table, and `key = ...` lines (bare, quoted or dotted keys) define paths relative to it.
 */

/**
 * 1-based line of the first header or assignment whose full key path starts with `path`, so a
 * table created implicitly (`[a.b]`, `a.b = 1`) is found under `a` too. Keys set inside inline
 * tables are not tracked: they give undefined.
 */
export function findKeyLine(source: string, path: readonly string[]): number | undefined {
  let table: string[] = [];
  let openString: string | undefined;
  const lines = source.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    if (openString !== undefined) {
      // Text inside a multi-line string is not TOML, even when it looks like `key = value`.
      if (countOf(line, openString) % 2 === 1) openString = undefined;
      continue;
    }
    const definition = readDefinition(line);
    if (definition === undefined) continue;
    const defined = definition.isHeader ? definition.keys : [...table, ...definition.keys];
    if (definition.isHeader) table = definition.keys;
    if (startsWith(defined, path)) return index + 1;
    openString = unclosedMultilineString(definition.rest);
  }
  return undefined;
}

/**
 * 1-based line of the first occurrence of `value` as a quoted string at or after `fromLine`; used
 * to point at one element of a multi-line array.
 */
export function findStringLine(source: string, fromLine: number, value: string): number | undefined {
  const needles = [JSON.stringify(value), `'${value}'`];
  const lines = source.split(/\r?\n/);
  for (let index = fromLine - 1; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (needles.some((needle) => line.includes(needle))) return index + 1;
  }
  return undefined;
}

interface Definition {
  isHeader: boolean;
  keys: string[];
  /** Text after `=` (assignments) or after the closing bracket (headers). */
  rest: string;
}

function readDefinition(line: string): Definition | undefined {
  const text = line.trimStart();
  if (text.startsWith('[')) {
    const isArray = text.startsWith('[[');
    const parsed = readKeyPath(text, isArray ? 2 : 1);
    const close = isArray ? ']]' : ']';
    if (parsed === undefined || !text.startsWith(close, parsed.end)) return undefined;
    return { isHeader: true, keys: parsed.keys, rest: text.slice(parsed.end + close.length) };
  }
  const parsed = readKeyPath(text, 0);
  if (parsed === undefined || text[parsed.end] !== '=') return undefined;
  return { isHeader: false, keys: parsed.keys, rest: text.slice(parsed.end + 1) };
}

/** Reads `a."b c".'d'` starting at `start`; `end` is the index after trailing whitespace. */
function readKeyPath(text: string, start: number): { keys: string[]; end: number } | undefined {
  const keys: string[] = [];
  let pos = start;
  for (;;) {
    pos = skipSpaces(text, pos);
    const key = readKey(text, pos);
    if (key === undefined) return undefined;
    keys.push(key.value);
    pos = skipSpaces(text, key.end);
    if (text[pos] !== '.') return { keys, end: pos };
    pos++;
  }
}

function readKey(text: string, pos: number): { value: string; end: number } | undefined {
  const quote = text[pos];
  if (quote === "'") {
    const close = text.indexOf("'", pos + 1);
    return close === -1 ? undefined : { value: text.slice(pos + 1, close), end: close + 1 };
  }
  if (quote === '"') {
    const closed = /^"(?:[^"\\]|\\.)*"/.exec(text.slice(pos));
    if (!closed) return undefined;
    return { value: decodeBasicString(closed[0]), end: pos + closed[0].length };
  }
  const bare = /^[A-Za-z0-9_-]+/.exec(text.slice(pos));
  return bare ? { value: bare[0], end: pos + bare[0].length } : undefined;
}

function decodeBasicString(quoted: string): string {
  // TOML basic-string escapes are nearly JSON's; on the rare mismatch, the raw text is close enough.
  try {
    const decoded: unknown = JSON.parse(quoted);
    return typeof decoded === 'string' ? decoded : quoted.slice(1, -1);
  } catch {
    return quoted.slice(1, -1);
  }
}

function unclosedMultilineString(rest: string): string | undefined {
  const delimiter = ['"""', "'''"]
    .map((d) => ({ d, at: rest.indexOf(d) }))
    .filter(({ at }) => at !== -1)
    .sort((x, y) => x.at - y.at)[0]?.d;
  return delimiter !== undefined && countOf(rest, delimiter) % 2 === 1 ? delimiter : undefined;
}

function skipSpaces(text: string, pos: number): number {
  let at = pos;
  while (text[at] === ' ' || text[at] === '\t') at++;
  return at;
}

function countOf(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((key, i) => path[i] === key);
}
