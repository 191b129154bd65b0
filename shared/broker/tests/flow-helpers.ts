import { Buffer } from 'buffer';
import type { IPublishPacket, QoS } from 'mqtt-packet';
import { PacketClient } from '../../testing/packet-client.ts';
import type { MemoryConnectOptions } from '../../transport/memory-transport.ts';
import type { Broker } from '../broker.ts';

/** Small steps shared by the message-flow protocol tests. */

export interface ClientOptions extends MemoryConnectOptions {
  clean?: boolean;
}

/** Opens an in-memory 3.1.1 client and completes CONNECT; throws when the broker refuses it. */
export async function connectClient(
  broker: Broker,
  clientId: string,
  options: ClientOptions = {},
): Promise<PacketClient> {
  const { clean = true, ...transport } = options;
  const client = PacketClient.open(broker, 4, transport);
  const connack = await client.connect({ clientId, clean });
  if (connack.returnCode !== 0) throw new Error(`CONNECT of ${clientId} refused with ${connack.returnCode}`);
  return client;
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

export function publishPacket(
  topic: string,
  payload: string | Uint8Array,
  fields: Partial<Pick<IPublishPacket, 'qos' | 'retain' | 'dup' | 'messageId'>> = {},
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

export function payloadText(packet: IPublishPacket): string {
  return Buffer.from(packet.payload).toString('utf8');
}
