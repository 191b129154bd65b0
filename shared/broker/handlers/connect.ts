import type { IConnectPacket } from 'mqtt-packet';
import { isValidTopicName } from '../../topic/topic-validate.ts';
import type { Broker } from '../broker.ts';
import type { AuthenticateResult } from '../broker-options.ts';
import type { ClientConnection } from '../client-connection.ts';
import { dispatchPacket, protocolViolation } from '../dispatch-packet.ts';
import { type ConnackRefusal, connackCodes } from './connack-codes.ts';

/**
 * CONNECT: validate → authenticate (possibly async) → take over any live connection with the same
 * client id → attach or create the session → CONNACK → resume what the session had in flight.
 */
export function handleConnect(broker: Broker, client: ClientConnection, packet: IConnectPacket): void {
  const version = packet.protocolVersion ?? 4;
  client.setProtocolVersion(version);
  const requestedKeepalive = packet.keepalive ?? 0;
  client.keepaliveSeconds = requestedKeepalive;
  client.username = packet.username;
  const cleanStart = packet.clean !== false;
  let clientId = packet.clientId;

  if (clientId.length === 0) {
    // [MQTT-3.1.3-8] a 3.1.1 client with no id must ask for a clean session; v5 may resume nothing
    // either way, so it gets an assigned id.
    if (!cleanStart && version !== 5)
      return refuse(broker, client, 'identifier-rejected', 'empty client id with clean session 0');
    clientId = broker.assignClientId();
    client.assignedClientId = clientId;
  } else if (version === 3 && clientId.length > 23) {
    // MQTT 3.1 limits client ids to 23 characters; newer versions leave it to the server.
    return refuse(broker, client, 'identifier-rejected', 'client id longer than 23 characters for MQTT 3.1');
  }
  client.clientId = clientId;

  const { keepaliveMin, keepaliveMax } = broker.limits;
  if (client.keepaliveSeconds !== 0 || keepaliveMin > 0) {
    if (client.keepaliveSeconds < keepaliveMin || client.keepaliveSeconds > keepaliveMax) {
      // v5 lets the server impose its own keepalive (Server Keep Alive in CONNACK) instead of refusing.
      if (version === 5)
        client.keepaliveSeconds = Math.min(Math.max(client.keepaliveSeconds, keepaliveMin), keepaliveMax);
      else
        return refuse(
          broker,
          client,
          'unavailable',
          `keepalive ${client.keepaliveSeconds}s outside the allowed range`,
        );
    }
  }

  if (packet.will) {
    if (!isValidTopicName(packet.will.topic)) return protocolViolation(client, 'invalid will topic');
    // [MQTT-3.1.2-14] will QoS 3 is malformed (mqtt-packet passes it through): close without CONNACK
    // [MQTT-3.1.4-1].
    if ((packet.will.qos ?? 0) > 2) return protocolViolation(client, 'will QoS 3');
    client.will = {
      topic: packet.will.topic,
      payload: packet.will.payload as Uint8Array,
      qos: packet.will.qos ?? 0,
      retain: packet.will.retain ?? false,
      properties: packet.will.properties,
    };
  }

  // A takeover [MQTT-3.1.4-2] replaces a live connection rather than adding one, so a client whose
  // old connection is half-open can still get back in when the broker is full.
  const takesOver = broker.sessions.get(clientId)?.owner !== undefined;
  if (!takesOver && broker.connectionCount >= broker.limits.maxConnections) {
    return refuse(broker, client, 'unavailable', 'connection limit reached');
  }

  const authenticate = broker.auth.authenticate;
  if (!authenticate) return accept(broker, client, cleanStart, requestedKeepalive);
  const request = {
    clientId,
    username: packet.username,
    password: packet.password,
    remoteAddress: client.remoteAddress,
    protocolVersion: version,
  };
  let result: AuthenticateResult | Promise<AuthenticateResult>;
  try {
    result = authenticate(request);
  } catch (error) {
    return authFailed(broker, client, error);
  }
  if (!(result instanceof Promise)) return finishAuth(broker, client, cleanStart, requestedKeepalive, result);
  client.state = 'authenticating';
  result.then(
    (outcome) => finishAuth(broker, client, cleanStart, requestedKeepalive, outcome),
    (error: unknown) => authFailed(broker, client, error),
  );
}

function finishAuth(
  broker: Broker,
  client: ClientConnection,
  cleanStart: boolean,
  requestedKeepalive: number,
  result: AuthenticateResult,
): void {
  if (client.state === 'closed') return;
  if (!result.ok) return refuse(broker, client, result.reason, 'authentication refused');
  accept(broker, client, cleanStart, requestedKeepalive);
  const backlog = client.backlog;
  client.backlog = undefined;
  if (backlog)
    for (const packet of backlog) if (client.state === 'connected') dispatchPacket(broker, client, packet);
}

function authFailed(broker: Broker, client: ClientConnection, error: unknown): void {
  broker.env.logger.error('authenticate hook failed', { clientId: client.clientId, error: String(error) });
  if (client.state !== 'closed') refuse(broker, client, 'unavailable', 'authentication hook failed');
}

function accept(
  broker: Broker,
  client: ClientConnection,
  cleanStart: boolean,
  requestedKeepalive: number,
): void {
  const { session, present } = broker.attachSession(client, cleanStart);
  client.state = 'connected';
  client.startKeepalive();
  // [MQTT-3.2.2-1..3] session present is 0 for a clean session, else whether state was kept.
  if (client.protocolVersion === 5) {
    const properties: Record<string, unknown> = {};
    if (client.assignedClientId) properties.assignedClientIdentifier = client.assignedClientId;
    if (client.keepaliveSeconds !== requestedKeepalive) properties.serverKeepAlive = client.keepaliveSeconds;
    client.send({ cmd: 'connack', reasonCode: 0, sessionPresent: present, properties });
  } else {
    client.send({ cmd: 'connack', returnCode: 0, sessionPresent: present });
  }
  broker.sessionResumed(client, session, present);
}

function refuse(broker: Broker, client: ClientConnection, refusal: ConnackRefusal, detail: string): void {
  const codes = connackCodes[refusal];
  broker.counters.connectionsRejected++;
  // [MQTT-3.2.2-4] a refusing CONNACK has session present 0; [MQTT-3.2.2-5] then the connection closes.
  if (client.protocolVersion === 5)
    client.send({ cmd: 'connack', reasonCode: codes.v5, sessionPresent: false });
  else client.send({ cmd: 'connack', returnCode: codes.v3, sessionPresent: false });
  client.close({ name: `connect-refused:${refusal}`, publishWill: false, detail });
}
