import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from './base64.ts';

const ascii = (text: string) => new TextEncoder().encode(text);

describe('base64', () => {
  it.each([
    ['', ''],
    ['f', 'Zg=='],
    ['fo', 'Zm8='],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg=='],
    ['fooba', 'Zm9vYmE='],
    ['foobar', 'Zm9vYmFy'],
  ])('encodes and decodes the RFC 4648 §10 vector %j', (plain, encoded) => {
    expect(encodeBase64(ascii(plain))).toBe(encoded);
    expect(decodeBase64(encoded)).toEqual(ascii(plain));
  });

  it('round-trips every byte value and the characters "+" and "/"', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const encoded = encodeBase64(bytes);
    expect(encoded).toContain('+');
    expect(encoded).toContain('/');
    expect(decodeBase64(encoded)).toEqual(bytes);
  });

  it.each(['Zg', 'Zg=', 'Zm9v\n', 'Zm 9', 'Zm9!', '====', 'Z===', 'Zg==Zg==', 'Zh==', 'Zm9=', 'Zm\u00e9v'])(
    'rejects non-canonical or invalid %j',
    (text) => {
      expect(decodeBase64(text)).toBeUndefined();
    },
  );
});
