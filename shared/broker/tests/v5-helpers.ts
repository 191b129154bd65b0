import type { IConnectPacket, ISubscription, Packet, QoS } from 'mqtt-packet';
import { expect } from 'vitest';
import { PacketClient } from '../../testing/packet-client.ts';
import { frameLength, lengthPrefixed, rawPacket, variableByteInteger } from '../../testing/raw-packets.ts';
import { connectInMemory } from '../../transport/memory-transport.ts';
import type { Broker } from '../broker.ts';
import { type AcceptedClient, acceptClient, connectPacket } from './flow-helpers.ts';

/** Steps shared by the MQTT 5 tests; the ones that serve every protocol level are in
 * flow-helpers.ts. */

/** Room for the broker's largest bare packet in these tests (a CONNACK naming a short
 * Authentication Method: 26 bytes), none for a Reason String of any use. */
export const TIGHT_PACKET_SIZE = 26;

/** A session that outlives its connection by a minute. */
export const persistent = { clean: false, properties: { sessionExpiryInterval: 60 } } as const;

/** A v5 CONNECT to send by hand: client 'dev', clean, no keepalive. */
export function connectPacketV5(fields: Partial<IConnectPacket> = {}): IConnectPacket {
  return connectPacket({ protocolVersion: 5, ...fields });
}

/** Opens a v5 client and completes CONNECT, checking that the broker accepts it; with its CONNACK. */
export function acceptV5(
  broker: Broker,
  clientId: string,
  fields: Partial<IConnectPacket> = {},
): Promise<AcceptedClient> {
  return acceptClient(broker, { clientId, ...fields }, 5);
}

/** Opens a v5 client and completes CONNECT, checking that the broker accepts it. */
export async function connectV5(
  broker: Broker,
  clientId: string,
  fields: Partial<IConnectPacket> = {},
): Promise<PacketClient> {
  return (await acceptV5(broker, clientId, fields)).client;
}

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

export interface SubscribeV5Options {
  messageId?: number;
  subscriptionIdentifier?: number;
}

/** SUBSCRIBE with v5 options and an optional Subscription Identifier, then the SUBACK's reason codes
 * (checking it answers this packet id). */
export async function subscribeV5(
  client: PacketClient,
  requests: Request[],
  { messageId = 1, subscriptionIdentifier }: SubscribeV5Options = {},
): Promise<number[]> {
  client.send({
    cmd: 'subscribe',
    messageId,
    properties: subscriptionIdentifier === undefined ? undefined : { subscriptionIdentifier },
    subscriptions: requests.map(([topic, qos, options]) => ({ topic, qos, ...options })),
  });
  const suback = await client.next('suback');
  expect(suback.messageId).toBe(messageId);
  return suback.granted as number[];
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
