import { describe, expect, it } from 'vitest';
import { decodePayload, encodeBase64, formatHexDump, previewPayload } from './payload-format.ts';

const view = (bytes: Uint8Array | string) => {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  return { base64: encodeBase64(data), size: data.length, truncated: false };
};

describe('decodePayload', () => {
  it('pretty-prints JSON objects and arrays', () => {
    const decoded = decodePayload(view('{"t":21.5,"unit":"C"}'));
    expect(decoded.kind).toBe('json');
    expect(decoded.json).toBe('{\n  "t": 21.5,\n  "unit": "C"\n}');
  });

  it('keeps plain text, including JSON scalars, as text', () => {
    expect(decodePayload(view('on')).kind).toBe('text');
    expect(decodePayload(view('42')).kind).toBe('text');
    expect(decodePayload(view('{broken')).kind).toBe('text');
  });

  it('treats invalid UTF-8 and control bytes as binary', () => {
    expect(decodePayload(view(new Uint8Array([0xff, 0xfe, 0x00]))).kind).toBe('binary');
    expect(decodePayload(view(new Uint8Array([0x41, 0x00, 0x42]))).kind).toBe('binary');
  });

  it('recognises an empty payload', () => {
    expect(decodePayload(view('')).kind).toBe('empty');
  });
});

describe('previewPayload', () => {
  it('shows one line of text, cut at the limit', () => {
    expect(previewPayload(view('{\n  "a": 1\n}'))).toBe('{ "a": 1 }');
    expect(previewPayload(view('x'.repeat(20)), 5)).toBe('xxxxx…');
  });

  it('shows binary as hex bytes', () => {
    expect(previewPayload(view(new Uint8Array([0xde, 0xad, 0x00])))).toBe('de ad 00');
  });
});

describe('formatHexDump', () => {
  it('prints offset, hex and printable ASCII, 16 bytes a line', () => {
    const bytes = new Uint8Array(18).map((_, index) => 0x41 + index);
    const lines = formatHexDump(bytes).split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('00000000  41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50  ABCDEFGHIJKLMNOP');
    expect(lines[1]).toMatch(/^00000010 {2}51 52 +QR$/);
  });
});
