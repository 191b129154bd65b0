import { describe, expect, it } from 'vitest';
import { encodePuback, encodePublish } from './mqtt-bytes.ts';
import { PacketScanner } from './packet-scanner.ts';

function framesOf(chunks: Buffer[]): number[][] {
  const frames: number[][] = [];
  const scanner = new PacketScanner((bytes, start, bodyStart, end) => {
    frames.push([bytes[start]! >> 4, bodyStart - start, end - start]);
  });
  for (const chunk of chunks) scanner.push(chunk);
  return frames;
}

describe('PacketScanner', () => {
  const small = encodePublish({ topic: 'a/b', payload: Buffer.alloc(64), qos: 0 }).bytes;
  const large = encodePublish({ topic: 'a/b', payload: Buffer.alloc(200), qos: 1, packetId: 7 }).bytes;
  const stream = Buffer.concat([small, encodePuback(7), large, small]);
  const expected = [
    [3, 2, small.length],
    [4, 2, 4],
    [3, 3, large.length],
    [3, 2, small.length],
  ];

  it('frames packets that arrive in one read', () => {
    expect(framesOf([stream])).toEqual(expected);
  });

  it('frames the same packets split at every possible byte', () => {
    for (let cut = 1; cut < stream.length; cut++) {
      expect(framesOf([stream.subarray(0, cut), stream.subarray(cut)])).toEqual(expected);
    }
  });

  it('frames the same packets delivered one byte at a time', () => {
    const bytes = [...stream].map((byte) => Buffer.from([byte]));
    expect(framesOf(bytes)).toEqual(expected);
  });
});
