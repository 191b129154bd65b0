import { Buffer } from 'buffer';
import type { IConnackPacket } from 'mqtt-packet';
import { encodePacket } from '../../codec/packet-encoder.ts';
import type { Broker } from '../broker.ts';
import type { ClientConnection } from '../client-connection.ts';
import { dispatchPacket } from '../dispatch-packet.ts';
import { type ConnackRefusal, connackCodes } from './connack-codes.ts';

/** What a CONNECT asked for, kept while authentication (possibly several AUTH round trips) runs. */
export interface PendingConnect {
  cleanStart: boolean;
  requestedKeepalive: number;
  /** Session expiry granted (seconds) and what the client asked for. */
  expiryInterval: number;
  requestedExpiry: number;
  requestResponseInformation: boolean;
}

type ConnackProperties = NonNullable<IConnackPacket['properties']>;

/** Accepts the connection: session, CONNACK with the broker's limits (MQTT 5), then what the session
 * had in flight or queued, then packets that arrived during authentication. */
export function acceptConnect(
  broker: Broker,
  client: ClientConnection,
  pending: PendingConnect,
  authenticationData?: Uint8Array,
): void {
  const { session, present } = broker.attachSession(client, pending.cleanStart, pending.expiryInterval);
  client.state = 'connected';
  client.startKeepalive();
  // [MQTT-3.2.2-1..3] session present is 0 for a clean start, else whether state was kept.
  if (client.protocolVersion === 5) {
    client.send({
      cmd: 'connack',
      reasonCode: 0,
      sessionPresent: present,
      properties: connackProperties(broker, client, pending, authenticationData),
    });
  } else {
    client.send({ cmd: 'connack', returnCode: 0, sessionPresent: present });
  }
  broker.sessionResumed(client, session, present);
  const backlog = client.backlog;
  client.backlog = undefined;
  if (backlog)
    for (const packet of backlog) if (client.state === 'connected') dispatchPacket(broker, client, packet);
}

function connackProperties(
  broker: Broker,
  client: ClientConnection,
  pending: PendingConnect,
  authenticationData: Uint8Array | undefined,
): ConnackProperties {
  const limits = broker.limits;
  const properties: ConnackProperties = {
    maximumPacketSize: limits.maxPacketSize,
    wildcardSubscriptionAvailable: true,
    subscriptionIdentifiersAvailable: true,
    sharedSubscriptionAvailable: true,
  };
  if (pending.expiryInterval !== pending.requestedExpiry)
    properties.sessionExpiryInterval = pending.expiryInterval;
  if (limits.receiveMaximum < 0xffff) properties.receiveMaximum = limits.receiveMaximum;
  // [MQTT-3.2.2-9] a broker below QoS 2 says so; absent means QoS 2.
  if (limits.maxQos < 2) properties.maximumQoS = limits.maxQos as 0 | 1;
  if (!limits.retainAvailable) properties.retainAvailable = false;
  if (limits.topicAliasMaximum > 0) properties.topicAliasMaximum = limits.topicAliasMaximum;
  // [MQTT-3.2.2-16] the id chosen for an empty client id.
  if (client.assignedClientId) properties.assignedClientIdentifier = client.assignedClientId;
  // [MQTT-3.2.2-22] absent, the client's own keepalive stands.
  if (client.keepaliveSeconds !== pending.requestedKeepalive)
    properties.serverKeepAlive = client.keepaliveSeconds;
  // [MQTT-3.1.2-28] Response Information only when asked for.
  if (pending.requestResponseInformation && limits.responseTopicPrefix !== undefined) {
    properties.responseInformation = `${limits.responseTopicPrefix}${client.clientId}`;
  }
  // [MQTT-4.12.0-5] a successful enhanced authentication repeats its method.
  if (client.authMethod) {
    properties.authenticationMethod = client.authMethod;
    if (authenticationData) properties.authenticationData = toBuffer(authenticationData);
  }
  return properties;
}

export interface RefusalDetail {
  serverReference?: string;
}

/** [MQTT-3.2.2-4/6] a refusing CONNACK has session present 0; [MQTT-3.2.2-5/7] then the connection
 * closes and nothing more from the client is processed [MQTT-3.1.4-6]. */
export function refuseConnect(
  broker: Broker,
  client: ClientConnection,
  refusal: ConnackRefusal,
  detail: string,
  extra: RefusalDetail = {},
): void {
  const codes = connackCodes[refusal];
  broker.counters.connectionsRejected++;
  if (client.protocolVersion === 5) {
    const reference: ConnackProperties = extra.serverReference
      ? { serverReference: extra.serverReference }
      : {};
    const connack: IConnackPacket = {
      cmd: 'connack',
      reasonCode: codes.v5,
      sessionPresent: false,
      properties: { reasonString: detail, ...reference },
    };
    // [MQTT-3.2.2-19] no Reason String rather than a CONNACK larger than the client accepts.
    if (encodePacket(connack, 5).length > client.peerMaximumPacketSize) connack.properties = reference;
    client.send(connack);
  } else {
    client.send({ cmd: 'connack', returnCode: codes.v3, sessionPresent: false });
  }
  client.close({ name: `connect-refused:${refusal}`, publishWill: false, detail });
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
