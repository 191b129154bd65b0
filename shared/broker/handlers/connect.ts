import type { IConnectPacket } from 'mqtt-packet';
import { NEVER_EXPIRES } from '../../session/session.ts';
import { isValidTopicName } from '../../topic/topic-validate.ts';
import type { Broker } from '../broker.ts';
import type { AuthenticateResult } from '../broker-options.ts';
import type { ClientConnection } from '../client-connection.ts';
import { protocolViolation } from '../dispatch-packet.ts';
import { isWellFormedPayload } from '../payload-format.ts';
import { InboundTopicAliases, OutboundTopicAliases } from '../topic-aliases.ts';
import { startEnhancedAuth } from './auth.ts';
import { acceptConnect, type PendingConnect, refuseConnect } from './connect-outcome.ts';

/**
 * CONNECT: validate → authenticate (possibly async, possibly several AUTH round trips) → take over
 * any live connection with the same client id → attach or create the session → CONNACK → resume.
 */
export function handleConnect(broker: Broker, client: ClientConnection, packet: IConnectPacket): void {
  const version = packet.protocolVersion ?? 4;
  client.setProtocolVersion(version);
  const requestedKeepalive = packet.keepalive ?? 0;
  client.keepaliveSeconds = requestedKeepalive;
  client.username = packet.username;
  const cleanStart = packet.clean !== false;
  const limits = broker.limits;

  if (version === 5 && !readClientLimits(broker, client, packet)) return;

  let clientId = packet.clientId;
  if (clientId.length === 0) {
    // [MQTT-3.1.3-8] a 3.1.1 client with no id must ask for a clean session; a v5 client gets an
    // assigned id either way [MQTT-3.1.3-6/7].
    if (!cleanStart && version !== 5) {
      return refuseConnect(broker, client, 'identifier-rejected', 'empty client id with clean session 0');
    }
    clientId = broker.assignClientId();
    client.assignedClientId = clientId;
  } else if (version === 3 && clientId.length > 23) {
    // MQTT 3.1 limits client ids to 23 characters; newer versions leave it to the server.
    return refuseConnect(
      broker,
      client,
      'identifier-rejected',
      'client id longer than 23 characters for MQTT 3.1',
    );
  }
  client.clientId = clientId;

  const { keepaliveMin, keepaliveMax } = limits;
  if (
    (client.keepaliveSeconds !== 0 || keepaliveMin > 0) &&
    (client.keepaliveSeconds < keepaliveMin || client.keepaliveSeconds > keepaliveMax)
  ) {
    // v5 lets the server impose its own keepalive (Server Keep Alive in CONNACK) instead of refusing.
    if (version !== 5) {
      return refuseConnect(
        broker,
        client,
        'unavailable',
        `keepalive ${client.keepaliveSeconds}s outside the allowed range`,
      );
    }
    client.keepaliveSeconds = Math.min(Math.max(client.keepaliveSeconds, keepaliveMin), keepaliveMax);
  }

  if (packet.will && !readWill(broker, client, packet.will)) return;

  if (limits.serverReference) {
    const { reference, permanent } = limits.serverReference;
    return refuseConnect(broker, client, permanent ? 'server-moved' : 'use-another-server', 'redirected', {
      serverReference: reference,
    });
  }

  // A takeover [MQTT-3.1.4-2] replaces a live connection rather than adding one, so a client whose
  // old connection is half-open can still get back in when the broker is full.
  const takesOver = broker.sessions.get(clientId)?.owner !== undefined;
  if (!takesOver && broker.connectionCount >= limits.maxConnections) {
    return refuseConnect(broker, client, 'unavailable', 'connection limit reached');
  }

  const requestedExpiry =
    version === 5 ? (packet.properties?.sessionExpiryInterval ?? 0) : cleanStart ? 0 : NEVER_EXPIRES;
  client.requestedSessionExpiry = requestedExpiry;
  const pending: PendingConnect = {
    cleanStart,
    requestedKeepalive,
    requestedExpiry,
    expiryInterval: Math.min(requestedExpiry, limits.maxSessionExpiry),
    requestResponseInformation: packet.properties?.requestResponseInformation === true,
  };

  const method = version === 5 ? packet.properties?.authenticationMethod : undefined;
  if (method !== undefined) {
    return startEnhancedAuth(broker, client, pending, method, packet.properties?.authenticationData);
  }
  authenticate(broker, client, packet, pending);
}

/** Reads what a v5 client allows the broker to send it; false when the CONNECT was refused. */
function readClientLimits(broker: Broker, client: ClientConnection, packet: IConnectPacket): boolean {
  const properties = packet.properties ?? {};
  // Receive Maximum and Maximum Packet Size of 0 are protocol errors (MQTT 5 §3.1.2.11).
  if (properties.receiveMaximum === 0 || properties.maximumPacketSize === 0) {
    refuseConnect(broker, client, 'protocol-error', 'Receive Maximum or Maximum Packet Size of 0');
    return false;
  }
  // So is Authentication Data without an Authentication Method (§3.1.2.11.10).
  if (properties.authenticationData && properties.authenticationMethod === undefined) {
    refuseConnect(broker, client, 'protocol-error', 'Authentication Data without a method');
    return false;
  }
  client.peerReceiveMaximum = properties.receiveMaximum ?? 0xffff;
  client.peerMaximumPacketSize = properties.maximumPacketSize ?? Number.POSITIVE_INFINITY;
  // [MQTT-3.1.2-27] no aliases towards a client that allows none.
  if (properties.topicAliasMaximum)
    client.outboundAliases = new OutboundTopicAliases(properties.topicAliasMaximum);
  if (broker.limits.topicAliasMaximum > 0) {
    client.inboundAliases = new InboundTopicAliases(broker.limits.topicAliasMaximum);
  }
  return true;
}

/** [MQTT-3.1.2-7] the will is stored with the session; false when the CONNECT was refused. */
function readWill(
  broker: Broker,
  client: ClientConnection,
  will: NonNullable<IConnectPacket['will']>,
): boolean {
  if (!isValidTopicName(will.topic)) {
    protocolViolation(client, 'invalid will topic');
    return false;
  }
  const qos = will.qos ?? 0;
  // [MQTT-3.1.2-14] will QoS 3 is malformed (mqtt-packet passes it through): close without CONNACK.
  if (qos > 2) {
    protocolViolation(client, 'will QoS 3');
    return false;
  }
  // [MQTT-3.2.2-12/13] a will the broker cannot honour is refused.
  if (qos > broker.limits.maxQos) {
    refuseConnect(broker, client, 'qos-not-supported', `will QoS ${qos} above the maximum`);
    return false;
  }
  if (will.retain && !broker.limits.retainAvailable) {
    refuseConnect(broker, client, 'retain-not-supported', 'retained will without retain support');
    return false;
  }
  const { willDelayInterval, ...properties } = will.properties ?? {};
  if (properties.payloadFormatIndicator && !isWellFormedPayload(will.payload as Uint8Array)) {
    refuseConnect(broker, client, 'payload-format-invalid', 'will payload is not UTF-8');
    return false;
  }
  client.will = {
    topic: will.topic,
    payload: will.payload as Uint8Array,
    qos,
    retain: will.retain ?? false,
    properties: client.protocolVersion === 5 ? properties : undefined,
    delaySeconds: willDelayInterval ?? 0,
  };
  return true;
}

/** The plain authentication hook (username and password). */
function authenticate(
  broker: Broker,
  client: ClientConnection,
  packet: IConnectPacket,
  pending: PendingConnect,
): void {
  const hook = broker.auth.authenticate;
  if (!hook) return acceptConnect(broker, client, pending);
  let result: AuthenticateResult | Promise<AuthenticateResult>;
  try {
    result = hook({
      clientId: client.clientId,
      username: packet.username,
      password: packet.password,
      remoteAddress: client.remoteAddress,
      protocolVersion: client.protocolVersion,
    });
  } catch (error) {
    return authFailed(broker, client, error);
  }
  if (!(result instanceof Promise)) return finishAuth(broker, client, pending, result);
  client.state = 'authenticating';
  result.then(
    (outcome) => finishAuth(broker, client, pending, outcome),
    (error: unknown) => authFailed(broker, client, error),
  );
}

function finishAuth(
  broker: Broker,
  client: ClientConnection,
  pending: PendingConnect,
  result: AuthenticateResult,
): void {
  if (client.state === 'closed') return;
  if (result.ok) return acceptConnect(broker, client, pending);
  if (result.reason === 'use-another-server') {
    const refusal = result.permanent ? 'server-moved' : 'use-another-server';
    return refuseConnect(broker, client, refusal, 'redirected', { serverReference: result.serverReference });
  }
  refuseConnect(broker, client, result.reason, 'authentication refused');
}

export function authFailed(broker: Broker, client: ClientConnection, error: unknown): void {
  broker.env.logger.error('authenticate hook failed', {
    clientId: client.clientId,
    error: String(error),
  });
  if (client.state !== 'closed') refuseConnect(broker, client, 'unavailable', 'authentication hook failed');
}
