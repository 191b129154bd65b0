import { Buffer } from 'buffer';
import type { IConnackPacket, IConnectPacket, IDisconnectPacket, IPublishPacket, QoS } from 'mqtt-packet';
import { expect } from 'vitest';
import type { ConnectEvent, DisconnectEvent, PublishEvent } from '../../observe/broker-events.ts';
import { PacketClient } from '../../testing/packet-client.ts';
import type { MemoryConnectOptions } from '../../transport/memory-transport.ts';
import type { Broker } from '../broker.ts';

/** Small steps shared by the protocol tests: the 3.1.1 ones, and those that serve every protocol
 * level (the MQTT 5 ones are in v5-helpers.ts). */

/** CONNECT fields and, for the in-memory transport, its buffer and address. */
export interface ClientOptions
  extends MemoryConnectOptions,
    Omit<Partial<IConnectPacket>, 'cmd' | 'clientId' | 'protocolId' | 'protocolVersion'> {}

export interface AcceptedClient {
  client: PacketClient;
  connack: IConnackPacket;
}

/** Opens an in-memory client at `version`, sends CONNECT with `fields` and checks that the CONNACK
 * accepts it. */
export async function acceptClient(
  broker: Broker,
  fields: Partial<IConnectPacket> = {},
  version: 4 | 5 = 4,
  transport?: MemoryConnectOptions,
): Promise<AcceptedClient> {
  const client = PacketClient.open(broker, version, transport);
  const connack = await client.connect(fields);
  expect(connack.returnCode ?? connack.reasonCode, `CONNACK to ${fields.clientId ?? 'test-client'}`).toBe(0);
  return { client, connack };
}

/** Opens an in-memory 3.1.1 client and completes CONNECT, checking that the broker accepts it. */
export async function connectClient(
  broker: Broker,
  clientId: string,
  options: ClientOptions = {},
): Promise<PacketClient> {
  const { highWaterMark, remoteAddress, ...fields } = options;
  return (await acceptClient(broker, { clientId, ...fields }, 4, { highWaterMark, remoteAddress })).client;
}

/** A CONNECT to send by hand: 3.1.1 unless `fields` say otherwise, client 'dev', clean, no keepalive. */
export function connectPacket(fields: Partial<IConnectPacket> = {}): IConnectPacket {
  return {
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clientId: 'dev',
    clean: true,
    keepalive: 0,
    ...fields,
  };
}

/** SUBSCRIBE, then the SUBACK's return codes. */
export async function subscribe(
  client: PacketClient,
  filters: Array<[topic: string, qos: QoS]>,
  messageId = 1,
): Promise<number[]> {
  client.send({
    cmd: 'subscribe',
    messageId,
    subscriptions: filters.map(([topic, qos]) => ({ topic, qos })),
  });
  const suback = await client.next('suback');
  if (suback.messageId !== messageId) throw new Error(`SUBACK for ${suback.messageId}, not ${messageId}`);
  return suback.granted as number[];
}

/** SUBSCRIBE to one filter, checking that the SUBACK grants the QoS asked for. */
export async function expectSubscribed(client: PacketClient, topic: string, qos: QoS): Promise<void> {
  expect(await subscribe(client, [[topic, qos]])).toEqual([qos]);
}

export function publishPacket(
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

/** Publishes at QoS 1 and waits for its PUBACK: the message has been routed when this returns. */
export async function publishAcked(
  client: PacketClient,
  topic: string,
  payload: string | Uint8Array,
  fields: { retain?: boolean; messageId?: number } = {},
): Promise<void> {
  const messageId = fields.messageId ?? 1;
  client.send(publishPacket(topic, payload, { qos: 1, retain: fields.retain ?? false, messageId }));
  const puback = await client.next('puback');
  if (puback.messageId !== messageId) throw new Error(`PUBACK for ${puback.messageId}, not ${messageId}`);
}

/** A message from the broker's side (as the admin API publishes), with a text payload. */
export function publishText(broker: Broker, topic: string, text: string, qos: QoS = 0, retain = false): void {
  broker.publish({ topic, payload: new TextEncoder().encode(text), qos, retain });
}

/** `count` messages from the broker's side whose payloads are their numbers, from `from` on,
 * zero-padded to `width` digits. */
export function publishNumbered(
  broker: Broker,
  topic: string,
  count: number,
  qos: QoS,
  { from = 0, width = 1 }: { from?: number; width?: number } = {},
): void {
  for (let i = from; i < from + count; i++) {
    broker.publish({ topic, payload: new TextEncoder().encode(String(i).padStart(width, '0')), qos });
  }
}

/** Lets the transport settle, then takes every PUBLISH received so far, in arrival order. */
export async function takePublishes(client: PacketClient, settleMs = 10): Promise<IPublishPacket[]> {
  await client.settle(settleMs);
  const publishes: IPublishPacket[] = [];
  for (let i = 0; i < client.received.length; ) {
    const packet = client.received[i]!;
    if (packet.cmd === 'publish') {
      publishes.push(packet);
      client.received.splice(i, 1);
    } else {
      i++;
    }
  }
  return publishes;
}

/** The PUBLISH packets received and not yet taken, leaving them in place. */
export function receivedPublishes(client: PacketClient): IPublishPacket[] {
  return client.received.filter((packet): packet is IPublishPacket => packet.cmd === 'publish');
}

export function payloadText(packet: IPublishPacket): string {
  return Buffer.from(packet.payload).toString('utf8');
}

/** Ends the network connection without DISCONNECT, as a device losing its link would. */
export async function dropLink(client: PacketClient): Promise<void> {
  client.close();
  await client.waitClosed();
}

/** A normal DISCONNECT (v5: with these properties), then the close. */
export async function disconnect(
  client: PacketClient,
  properties?: IDisconnectPacket['properties'],
): Promise<void> {
  client.send({ cmd: 'disconnect', ...(properties ? { properties } : {}) });
  await client.waitClosed();
}

/** Every connect, disconnect and publish event from now on. */
export function recordEvents(broker: Broker): {
  connects: ConnectEvent[];
  disconnects: DisconnectEvent[];
  published: PublishEvent[];
} {
  const connects: ConnectEvent[] = [];
  const disconnects: DisconnectEvent[] = [];
  const published: PublishEvent[] = [];
  broker.events.on('connect', (event) => connects.push(event));
  broker.events.on('disconnect', (event) => disconnects.push(event));
  broker.events.on('publish', (event) => published.push(event));
  return { connects, disconnects, published };
}
