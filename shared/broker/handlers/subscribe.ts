import type { ISubscribePacket, QoS } from 'mqtt-packet';
import { isValidTopicFilter } from '../../topic/topic-validate.ts';
import type { Broker } from '../broker.ts';
import type { ClientConnection } from '../client-connection.ts';

const FAILURE = 0x80;

/**
 * Each filter is validated, authorised and granted a QoS no higher than requested [MQTT-3.8.4-6];
 * SUBACK answers them in order [MQTT-3.8.4-4], [MQTT-3.9.3-1]; then the retained messages matching
 * each granted filter are sent [MQTT-3.3.1-6], also when the subscription replaced one [MQTT-3.8.4-3].
 */
export function handleSubscribe(broker: Broker, client: ClientConnection, packet: ISubscribePacket): void {
  const session = client.session!;
  const granted: number[] = [];
  const accepted: Array<{ filter: string; qos: QoS }> = [];
  for (const request of packet.subscriptions) {
    const filter = request.topic;
    const requested = Math.min(request.qos, broker.limits.maxQos) as QoS;
    const qos = !isValidTopicFilter(filter)
      ? false
      : broker.auth.authorizeSubscribe
        ? broker.auth.authorizeSubscribe(client, filter, requested)
        : requested;
    if (qos === false) {
      granted.push(FAILURE);
      continue;
    }
    const grantedQos = Math.min(qos, requested) as QoS;
    broker.router.subscribe(session, filter, { qos: grantedQos });
    granted.push(grantedQos);
    accepted.push({ filter, qos: grantedQos });
  }
  client.send({ cmd: 'suback', messageId: packet.messageId, granted });
  for (const { filter, qos } of accepted) broker.router.sendRetained(session, filter, qos);
}
