import { describe, expect, it } from 'vitest';
import { bodyStart, encodeVariableByteInteger, readVariableByteInteger } from './variable-byte-integer.ts';

describe('Variable Byte Integer', () => {
  const cases: Array<[number, number[]]> = [
    [0, [0x00]],
    [127, [0x7f]],
    [128, [0x80, 0x01]],
    [16_383, [0xff, 0x7f]],
    [16_384, [0x80, 0x80, 0x01]],
    [268_435_455, [0xff, 0xff, 0xff, 0x7f]],
  ];
  for (const [value, bytes] of cases) {
    it(`encodes ${value} in the fewest bytes and reads it back`, () => {
      expect([...encodeVariableByteInteger(value)]).toEqual(bytes);
      expect(readVariableByteInteger(Uint8Array.from([9, ...bytes, 9]), 1)).toEqual({
        value,
        next: 1 + bytes.length,
      });
    });
  }

  it('finds the variable header after a one- or two-byte Remaining Length', () => {
    expect(bodyStart(Uint8Array.from([0x30, 0x05, 0, 1]))).toBe(2);
    expect(bodyStart(Uint8Array.from([0x30, 0x80, 0x01, 0]))).toBe(3);
  });
});
