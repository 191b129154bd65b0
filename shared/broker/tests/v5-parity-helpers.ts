import { Buffer } from 'buffer';
import type { IConnectPacket, IPublishPacket, ISubscription, Packet, QoS } from 'mqtt-packet';
import { expect } from 'vitest';
import { PacketClient } from '../../testing/packet-client.ts';
import { connectInMemory } from '../../transport/memory-transport.ts';
import type { Broker } from '../broker.ts';

/** Steps shared by the v5-parity-* tests: MQTT 5 twins of rules the 3.1.1 suites check, and the
 * v5-only rules next to them. */

/** Room for the broker's largest bare packet in these tests (a CONNACK naming a short
 * Authentication Method: 26 bytes), none for a Reason String of any use. */
export const TIGHT_PACKET_SIZE = 26;

export const persistent = { clean: false, properties: { sessionExpiryInterval: 60 } } as const;

/** A v5 client with the raw frames the broker sent it, in arrival order, next to the parsed ones. */
export interface RecordedClient {
  client: PacketClient;
  frames: Uint8Array[];
}

export function openRecorded(broker: Broker): RecordedClient {
  const end = connectInMemory(broker);
  const frames: Uint8Array[] = [];
  let pending = new Uint8Array(0);
  end.onData((bytes) => {
    pending = Uint8Array.from([...pending, ...bytes]);
    for (let length = frameLength(pending); length <= pending.length; length = frameLength(pending)) {
      frames.push(pending.slice(0, length));
      pending = pending.slice(length);
    }
  });
  return { client: new PacketClient(end, 5), frames };
}

/** Opens a v5 client and completes CONNECT; throws when the broker refuses it. */
export async function connectV5(
  broker: Broker,
  clientId: string,
  fields: Partial<IConnectPacket> = {},
): Promise<PacketClient> {
  return (await connectRecorded(broker, clientId, fields)).client;
}

export async function connectRecorded(
  broker: Broker,
  clientId: string,
  fields: Partial<IConnectPacket> = {},
): Promise<RecordedClient> {
  const recorded = openRecorded(broker);
  const connack = await recorded.client.connect({ clientId, ...fields });
  if (connack.reasonCode !== 0) throw new Error(`CONNECT of ${clientId} refused with ${connack.reasonCode}`);
  return recorded;
}

/** Connects to an existing session (keeping it persistent) and checks that it was resumed. */
export async function resumeV5(broker: Broker, clientId: string): Promise<PacketClient> {
  const client = PacketClient.open(broker, 5);
  const connack = await client.connect({ clientId, ...persistent });
  expect(connack).toMatchObject({ reasonCode: 0, sessionPresent: true });
  return client;
}

export type Request = [topic: string, qos: QoS, options?: Omit<ISubscription, 'topic' | 'qos'>];

/** SUBSCRIBE, then the SUBACK's reason codes (checking it answers this packet id). */
export async function subscribeV5(
  client: PacketClient,
  requests: Request[],
  messageId = 1,
): Promise<number[]> {
  client.send({
    cmd: 'subscribe',
    messageId,
    subscriptions: requests.map(([topic, qos, options]) => ({ topic, qos, ...options })),
  });
  const suback = await client.next('suback');
  expect(suback.messageId).toBe(messageId);
  return suback.granted as number[];
}

export function clientPublish(
  topic: string,
  payload: string | Uint8Array,
  fields: Partial<IPublishPacket> = {},
): IPublishPacket {
  return {
    cmd: 'publish',
    topic,
    payload: Buffer.from(payload),
    qos: 0,
    retain: false,
    dup: false,
    ...fields,
  };
}

/** The broker closed the connection after a DISCONNECT with this reason code. */
export async function expectDisconnected(client: PacketClient, reasonCode: number): Promise<void> {
  expect((await client.next('disconnect')).reasonCode).toBe(reasonCode);
  await client.waitClosed();
}

/** A subscriber to everything, to show that a refused packet delivered nothing. */
export async function watcher(broker: Broker): Promise<PacketClient> {
  const client = await connectV5(broker, 'watcher');
  await subscribeV5(client, [['#', 2]]);
  return client;
}

export async function expectNothingDelivered(client: PacketClient): Promise<void> {
  expect((await client.settle()).filter((packet) => packet.cmd === 'publish')).toEqual([]);
}

/** No Reason String and no User Property on a packet the broker sent. */
export function expectNoDiagnostics(packet: Packet): void {
  const properties = (packet as { properties?: Record<string, unknown> }).properties ?? {};
  expect(properties.reasonString, packet.cmd).toBeUndefined();
  expect(properties.userProperties, packet.cmd).toBeUndefined();
}

/** Length of the frame at the start of `bytes`; infinite while its header is incomplete. */
export function frameLength(bytes: Uint8Array): number {
  let offset = 1;
  let length = 0;
  let multiplier = 1;
  for (;;) {
    if (offset >= bytes.length) return Number.POSITIVE_INFINITY;
    const byte = bytes[offset++]!;
    length += (byte & 0x7f) * multiplier;
    multiplier *= 128;
    if ((byte & 0x80) === 0) return offset + length;
  }
}

/** Offset of the variable header: just past the fixed header's Remaining Length. */
export function bodyStart(frame: Uint8Array): number {
  let offset = 1;
  while ((frame[offset]! & 0x80) !== 0) offset++;
  return offset + 1;
}

export function utf8Bytes(text: string): number[] {
  return [...new TextEncoder().encode(text)];
}

/** A two-byte length, then the bytes as given (any bytes: mqtt-packet encodes only valid text). */
export function lengthPrefixed(bytes: number[]): number[] {
  return [bytes.length >> 8, bytes.length & 0xff, ...bytes];
}

export function variableByteInteger(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
}

/** A whole packet: first byte, Remaining Length, body. */
export function rawPacket(firstByte: number, body: number[]): Uint8Array {
  return Uint8Array.from([firstByte, ...variableByteInteger(body.length), ...body]);
}

/** A QoS 0 v5 PUBLISH with the topic and the property bytes as given, payload "x". */
export function rawPublish(topic: number[], properties: number[] = []): Uint8Array {
  return rawPacket(0x30, [
    ...lengthPrefixed(topic),
    ...variableByteInteger(properties.length),
    ...properties,
    0x78,
  ]);
}

/** A User Property (0x26) with name and value bytes as given. */
export function userPropertyBytes(name: number[], value: number[]): number[] {
  return [0x26, ...lengthPrefixed(name), ...lengthPrefixed(value)];
}
