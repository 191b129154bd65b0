import type { BenchClient } from './bench-client.ts';

/**
 * Makes a subscriber acknowledge every QoS 1 PUBLISH it gets: the PUBACKs of one read go out in one
 * write. When that write backs up, the subscriber stops reading until it drains, as a real client
 * under TCP backpressure would.
 */
export function respondWithPubacks(client: BenchClient): void {
  let acks = Buffer.allocUnsafe(16 * 1024);
  let used = 0;
  client.onPublish = (bytes, start, bodyStart) => {
    if ((bytes[start]! & 0x06) === 0) return;
    const packetId = bytes.readUInt16BE(bodyStart + 2 + bytes.readUInt16BE(bodyStart));
    if (used + 4 > acks.length) {
      const grown = Buffer.allocUnsafe(acks.length * 2);
      acks.copy(grown, 0, 0, used);
      acks = grown;
    }
    acks[used] = 0x40;
    acks[used + 1] = 0x02;
    acks.writeUInt16BE(packetId, used + 2);
    used += 4;
  };
  client.afterRead = () => {
    if (used === 0) return;
    // A copy: the scratch buffer is reused by the next read while this write may still be queued.
    const ready = client.write(Buffer.from(acks.subarray(0, used)));
    used = 0;
    if (ready) return;
    client.socket.pause();
    client.drained().then(() => client.socket.resume());
  };
}
