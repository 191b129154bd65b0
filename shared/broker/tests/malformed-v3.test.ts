// mqtt-spec: 3.1.1
import { Buffer } from 'buffer';
import { describe, expect, it } from 'vitest';
import { PacketClient } from '../../testing/packet-client.ts';
import { createTestBroker } from '../../testing/test-broker.ts';

const topicA = [0, 1, 0x61];

async function connected(
  clientId = 'raw',
): Promise<{ client: PacketClient; broker: ReturnType<typeof createTestBroker>['broker'] }> {
  const { broker } = createTestBroker();
  const client = PacketClient.open(broker);
  await client.connect({ clientId });
  return { client, broker };
}

describe('MQTT 3.1.1 packet rules', () => {
  it('[MQTT-3.10.1-1] closes on UNSUBSCRIBE fixed-header flags other than 0010, answers them when right', async () => {
    const good = await connected();
    good.client.sendBytes([0xa2, 5, 0, 1, ...topicA]);
    expect((await good.client.next('unsuback')).messageId).toBe(1);
    for (const flags of [0xa0, 0xa3, 0xaa]) {
      const { client } = await connected();
      client.sendBytes([flags, 5, 0, 1, ...topicA]);
      await client.waitClosed();
    }
  });

  it('[MQTT-3.8.3-4] closes on non-zero reserved bits or QoS 3 in a SUBSCRIBE payload', async () => {
    const good = await connected();
    good.client.sendBytes([0x82, 6, 0, 1, ...topicA, 0x01]);
    expect((await good.client.next('suback')).granted).toEqual([1]);
    for (const options of [0x03, 0x04, 0x40, 0x80]) {
      const { client } = await connected();
      client.sendBytes([0x82, 6, 0, 1, ...topicA, options]);
      await client.waitClosed();
    }
  });

  it('[MQTT-1.5.3-3] keeps a leading U+FEFF in a topic: a subscriber to it gets the message, one to the bare name does not', async () => {
    const { broker } = createTestBroker();
    const withBom = PacketClient.open(broker);
    await withBom.connect({ clientId: 'bom' });
    const bare = PacketClient.open(broker);
    await bare.connect({ clientId: 'bare' });
    withBom.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: '\uFEFFa', qos: 0 }] });
    bare.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a', qos: 0 }] });
    await withBom.next('suback');
    await bare.next('suback');
    // EF BB BF 61: the BOM bytes then "a".
    const pub = PacketClient.open(broker);
    await pub.connect({ clientId: 'pub' });
    pub.sendBytes([0x30, 7, 0, 4, 0xef, 0xbb, 0xbf, 0x61, 0x78]);
    const received = await withBom.next('publish');
    expect(received.topic).toBe('\uFEFFa');
    await bare.settle();
    expect(bare.received.filter((packet) => packet.cmd === 'publish')).toEqual([]);
  });

  it('[MQTT-3.3.2-1] reads the topic name as the first field of PUBLISH and forwards it as such', async () => {
    const { broker } = createTestBroker();
    const sub = PacketClient.open(broker);
    await sub.connect({ clientId: 'sub' });
    sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'x/é', qos: 1 }] });
    await sub.next('suback');
    const pub = PacketClient.open(broker);
    await pub.connect({ clientId: 'pub' });
    const topic = Buffer.from('x/é');
    // QoS 1: topic, then packet id 0x0102, then the payload "p".
    pub.sendBytes([0x32, 2 + topic.length + 2 + 1, 0, topic.length, ...topic, 1, 2, 0x70]);
    expect((await pub.next('puback')).messageId).toBe(0x0102);
    const received = await sub.next('publish');
    expect(received.topic).toBe('x/é');
    expect(String(received.payload)).toBe('p');
  });
});
