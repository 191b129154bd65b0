import { describe, expect, it } from 'vitest';
import { PacketClient } from '../../testing/packet-client.ts';
import { createTestBroker } from '../../testing/test-broker.ts';

describe('smoke', () => {
  it('routes a QoS 1 publish to a subscriber', async () => {
    const { broker } = createTestBroker();
    const sub = PacketClient.open(broker);
    expect((await sub.connect({ clientId: 'sub' })).returnCode).toBe(0);
    sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a/+', qos: 1 }] });
    expect((await sub.next('suback')).granted).toEqual([1]);
    const pub = PacketClient.open(broker);
    await pub.connect({ clientId: 'pub' });
    pub.send({
      cmd: 'publish',
      topic: 'a/b',
      payload: Buffer.from('hi'),
      qos: 1,
      retain: false,
      dup: false,
      messageId: 7,
    });
    expect((await pub.next('puback')).messageId).toBe(7);
    const msg = await sub.next('publish');
    expect(msg.topic).toBe('a/b');
    expect(msg.qos).toBe(1);
    expect(String(msg.payload)).toBe('hi');
  });
});
