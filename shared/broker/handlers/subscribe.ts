import type { ISubscribePacket, QoS } from 'mqtt-packet';
import { ReasonCode } from '../../codec/reason-codes.ts';
import type { SubscriptionOptions } from '../../session/session.ts';
import { isSharedFilter, parseSharedFilter } from '../../topic/shared-filter.ts';
import { isValidTopicFilter } from '../../topic/topic-validate.ts';
import type { Broker } from '../broker.ts';
import type { ClientConnection } from '../client-connection.ts';
import { protocolViolation } from '../dispatch-packet.ts';

/** 3.1.1 has one failure code for every refusal. */
const V3_FAILURE = 0x80;

/**
 * Each filter is validated, authorised and granted a QoS no higher than requested [MQTT-3.8.4-6];
 * SUBACK answers them in order [MQTT-3.8.4-4], [MQTT-3.9.3-1]; then the retained messages matching
 * each granted filter are sent as Retain Handling asks [MQTT-3.3.1-9..11], also when the
 * subscription replaced one [MQTT-3.8.4-3].
 */
export function handleSubscribe(broker: Broker, client: ClientConnection, packet: ISubscribePacket): void {
  const session = client.session!;
  const v5 = client.protocolVersion === 5;
  const subscriptionIdentifier = packet.properties?.subscriptionIdentifier as number | undefined;
  // A Subscription Identifier of 0 is a protocol error (MQTT 5 §3.8.2.1.2).
  if (subscriptionIdentifier === 0) return protocolViolation(client, 'Subscription Identifier 0');
  const granted: number[] = [];
  const accepted: Array<{ filter: string; options: SubscriptionOptions; existed: boolean }> = [];
  for (const request of packet.subscriptions) {
    const filter = request.topic;
    // [MQTT-3.8.3-4] No Local on a shared subscription is a protocol error.
    if (v5 && request.nl && isSharedFilter(filter))
      return protocolViolation(client, 'No Local on a shared subscription');
    if (!isValidSubscriptionFilter(filter)) {
      granted.push(v5 ? ReasonCode.topicFilterInvalid : V3_FAILURE);
      continue;
    }
    const requested = Math.min(request.qos, broker.limits.maxQos) as QoS;
    const authorised = broker.auth.authorizeSubscribe
      ? broker.auth.authorizeSubscribe(client, filter, requested)
      : requested;
    if (authorised === false) {
      granted.push(v5 ? ReasonCode.notAuthorized : V3_FAILURE);
      continue;
    }
    const options: SubscriptionOptions = { qos: Math.min(authorised, requested) as QoS };
    if (v5) {
      if (request.nl) options.noLocal = true;
      if (request.rap) options.retainAsPublished = true;
      if (request.rh) options.retainHandling = request.rh as 1 | 2;
      if (subscriptionIdentifier) options.subscriptionIdentifier = subscriptionIdentifier;
    }
    const existed = broker.router.subscribe(session, filter, options);
    granted.push(options.qos);
    accepted.push({ filter, options, existed });
  }
  client.send({ cmd: 'suback', messageId: packet.messageId, granted });
  for (const { filter, options, existed } of accepted)
    broker.router.sendRetained(session, filter, options, existed);
}

/** A plain filter, or `$share/{group}/{filter}` with a valid group and filter [MQTT-4.8.2-1/2]. */
function isValidSubscriptionFilter(filter: string): boolean {
  if (!isSharedFilter(filter)) return isValidTopicFilter(filter);
  const shared = parseSharedFilter(filter);
  return shared !== undefined && isValidTopicFilter(shared.filter);
}
