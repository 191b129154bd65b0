import { Buffer } from 'buffer';
import mqttPacket, { type Packet } from 'mqtt-packet';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Broker } from '../broker/broker.ts';
import type { BrokerLimits } from '../broker/broker-options.ts';
import { PacketClient, type PeerBytes } from '../testing/packet-client.ts';

/** The client's end of a raw byte connection to the broker under test. */
export interface RawClient {
  /** Resolves once the bytes are handed to the transport (written out, for a socket). Never rejects. */
  write(bytes: Uint8Array): Promise<void>;
  onData(listener: (bytes: Uint8Array) => void): void;
  /** Starts an orderly close from the client's side. */
  close(): void;
  /** Resolves when the connection has closed, whichever side closed it. */
  readonly closed: Promise<void>;
  /** Stops and restarts reading, so that the broker's writes back up. */
  pause?(): void;
  resume?(): void;
}

export interface TransportUnderTest {
  readonly broker: Broker;
  connect(): Promise<RawClient>;
  /** Closes every client, listener and broker it started. */
  teardown(): Promise<void>;
}

/** Starts a broker with these limits, reachable over the transport. */
export type TransportFactory = (limits: Partial<BrokerLimits>) => Promise<TransportUnderTest>;

export interface TransportContractOptions {
  /** False when the client end cannot stop reading: the backpressure case is then skipped. */
  canPauseReading: boolean;
}

const LARGE_PAYLOAD_BYTES = 256 * 1024;
const SLOW_MS = 5000;

/**
 * Every transport adapter (in-memory, TCP, WebSocket, …) passes this suite: bytes reach the broker
 * whatever their chunking, closes are seen on both sides, and a client that stops reading holds up
 * no one else.
 */
export function runTransportContract(
  name: string,
  factory: TransportFactory,
  options: TransportContractOptions = { canPauseReading: true },
): void {
  describe(`transport contract: ${name}`, () => {
    const started: TransportUnderTest[] = [];

    afterEach(async () => {
      await Promise.all(started.splice(0).map((transport) => transport.teardown()));
    });

    async function start(limits: Partial<BrokerLimits> = {}): Promise<TransportUnderTest> {
      const transport = await factory(limits);
      started.push(transport);
      return transport;
    }

    async function open(transport: TransportUnderTest, protocolVersion: 4 | 5 = 4) {
      const raw = await transport.connect();
      return { raw, client: new PacketClient(asClientEnd(raw), protocolVersion) };
    }

    it('answers CONNECT with CONNACK', async () => {
      const transport = await start();
      const { client } = await open(transport);
      const connack = await client.connect({ clientId: 'contract-connect' });
      expect(connack.returnCode).toBe(0);
      expect(transport.broker.connectionCount).toBe(1);
    });

    it('reassembles a CONNECT delivered one byte at a time [MQTT-6.0.0-2]', async () => {
      const transport = await start();
      const { raw, client } = await open(transport);
      const bytes = encode(connectPacket('contract-bytewise'));
      for (let i = 0; i < bytes.length; i++) await raw.write(bytes.subarray(i, i + 1));
      expect((await client.next('connack')).returnCode).toBe(0);
    });

    it('handles two packets arriving in one chunk', async () => {
      const transport = await start();
      const { raw, client } = await open(transport);
      await raw.write(Buffer.concat([encode(connectPacket('contract-two')), encode({ cmd: 'pingreq' })]));
      expect((await client.next('connack')).returnCode).toBe(0);
      await client.next('pingresp');
    });

    it('carries a 256 KiB payload from publisher to subscriber intact', async () => {
      const transport = await start();
      const { client: subscriber } = await open(transport);
      await subscriber.connect({ clientId: 'contract-big-sub' });
      subscriber.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'big', qos: 1 }] });
      expect((await subscriber.next('suback')).granted).toEqual([1]);

      const { client: publisher } = await open(transport);
      await publisher.connect({ clientId: 'contract-big-pub' });
      const payload = patternedBytes(LARGE_PAYLOAD_BYTES);
      publisher.send({ ...publishPacket('big', payload, 1), messageId: 9 });
      expect((await publisher.next('puback', SLOW_MS)).messageId).toBe(9);

      const delivered = await subscriber.next('publish', SLOW_MS);
      expect(delivered.payload.length).toBe(LARGE_PAYLOAD_BYTES);
      // Compared as a boolean: a diff of two 256 KiB buffers helps nobody.
      expect(Buffer.from(delivered.payload).equals(payload)).toBe(true);
    });

    it('lets the client see a close the broker started (garbage in) [MQTT-4.8.0-1]', async () => {
      const transport = await start();
      const { raw, client } = await open(transport);
      // Packet type 0 is reserved: no valid MQTT stream starts with it.
      await raw.write(Uint8Array.from([0x00, 0x00]));
      await client.waitClosed(SLOW_MS);
      await raw.closed;
      await vi.waitFor(() => expect(transport.broker.connections.size).toBe(0));
    });

    it('lets the broker see a close the client started', async () => {
      const transport = await start();
      const reasons: string[] = [];
      transport.broker.events.on('disconnect', (event) => reasons.push(event.reason));
      const { raw, client } = await open(transport);
      await client.connect({ clientId: 'contract-leaver' });
      expect(transport.broker.connections.size).toBe(1);

      raw.close();
      await raw.closed;
      await vi.waitFor(() => expect(reasons).toEqual(['peer-closed']));
      expect(transport.broker.connections.size).toBe(0);
      expect(transport.broker.connectionCount).toBe(0);
    });

    it.skipIf(!options.canPauseReading)(
      'keeps delivering to a reading subscriber while another stops reading',
      async () => {
        const transport = await start({ maxOutputBufferBytes: 64 * 1024 });
        const { broker } = transport;
        const subscribe = async (clientId: string) => {
          const opened = await open(transport);
          await opened.client.connect({ clientId });
          opened.client.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'flood', qos: 0 }] });
          await opened.client.next('suback');
          return opened;
        };
        const stalled = await subscribe('contract-stalled');
        const { client: reader } = await subscribe('contract-reader');
        const { raw: publisher, client: publisherClient } = await open(transport);
        await publisherClient.connect({ clientId: 'contract-flooder' });
        stalled.raw.pause!();

        // Publish in small rounds, each read in full by `reader`, until the broker reports that the
        // stalled subscriber's output buffer is full (kernel and library buffers absorb the first
        // megabytes), then a few rounds more.
        const batch = Buffer.concat(
          Array.from({ length: 4 }, () => encode(publishPacket('flood', patternedBytes(8 * 1024), 0))),
        );
        let rounds = 0;
        let roundsAfterFull = 0;
        while (roundsAfterFull < 8) {
          expect(rounds, 'the stalled subscriber never filled its output buffer').toBeLessThan(2048);
          await publisher.write(batch);
          for (let i = 0; i < 4; i++) await reader.next('publish', SLOW_MS);
          rounds++;
          if (broker.counters.dropped['output-buffer-full'] > 0) roundsAfterFull++;
        }
        // The reader got every message exactly once; the stalled subscriber is still connected.
        expect(reader.received.filter((packet) => packet.cmd === 'publish')).toEqual([]);
        reader.send({ cmd: 'pingreq' });
        await reader.next('pingresp');
        expect(stalled.client.closed).toBe(false);

        // Once it reads again, it catches up and is served normally.
        stalled.raw.resume!();
        stalled.client.send({ cmd: 'pingreq' });
        await stalled.client.next('pingresp', SLOW_MS);
      },
    );
  });
}

/** PacketClient speaks to a MemoryClientEnd; any raw client can play that part. */
function asClientEnd(raw: RawClient): PeerBytes {
  let closed = false;
  const closeListeners: Array<() => void> = [];
  raw.closed.then(() => {
    closed = true;
    for (const listener of closeListeners) listener();
  });
  return {
    write: (bytes) => void raw.write(bytes),
    close: () => raw.close(),
    onData: (listener) => raw.onData(listener),
    onClose: (listener) => closeListeners.push(listener),
    get closed() {
      return closed;
    },
  };
}

function connectPacket(clientId: string): Packet {
  return { cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId, clean: true, keepalive: 0 };
}

function publishPacket(topic: string, payload: Buffer, qos: 0 | 1): Packet {
  return { cmd: 'publish', topic, payload, qos, retain: false, dup: false };
}

function encode(packet: Packet): Buffer {
  return mqttPacket.generate(packet, { protocolVersion: 4 });
}

/** Bytes that differ from position to position, so a reordered or shifted chunk would show. */
function patternedBytes(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
  return bytes;
}
