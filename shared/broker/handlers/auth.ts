import { Buffer } from 'buffer';
import type { IAuthPacket } from 'mqtt-packet';
import type { AuthStep } from '../../auth/enhanced-auth.ts';
import { ReasonCode } from '../../codec/reason-codes.ts';
import type { Broker } from '../broker.ts';
import type { ClientConnection } from '../client-connection.ts';
import { protocolViolation } from '../dispatch-packet.ts';
import { acceptConnect, type PendingConnect, refuseConnect } from './connect-outcome.ts';

/**
 * MQTT 5 enhanced authentication (§4.12): the CONNECT names a method; the broker and client trade
 * AUTH packets (0x18) until the authenticator succeeds (CONNACK 0x00) or fails (CONNACK 0x86/0x87).
 * A connected client may re-authenticate with AUTH 0x19; the outcome is AUTH 0x00 or DISCONNECT.
 */
export function startEnhancedAuth(
  broker: Broker,
  client: ClientConnection,
  pending: PendingConnect,
  method: string,
  data: Uint8Array | undefined,
): void {
  const authenticator = broker.enhancedAuth.get(method);
  // [MQTT-4.12.0-1] an unsupported method is refused.
  if (!authenticator)
    return refuseConnect(broker, client, 'bad-authentication-method', `unsupported method ${method}`);
  client.authMethod = method;
  client.authExchange = authenticator.begin({ clientId: client.clientId, username: client.username });
  client.state = 'authenticating';
  runStep(broker, client, data, pending);
}

/** An AUTH from the client: the next step of the exchange in progress, or a re-authentication. */
export function handleAuth(broker: Broker, client: ClientConnection, packet: IAuthPacket): void {
  const method = packet.properties?.authenticationMethod;
  // [MQTT-4.12.0-5/6] AUTH only within an enhanced authentication, and always with its method.
  if (!client.authMethod || method !== client.authMethod) {
    return protocolViolation(client, 'AUTH without the method the connection authenticated with');
  }
  const data = packet.properties?.authenticationData;
  if (packet.reasonCode === ReasonCode.reAuthenticate) {
    if (client.state !== 'connected' || client.authExchange)
      return protocolViolation(client, 're-authentication not allowed now');
    const authenticator = broker.enhancedAuth.get(method)!;
    client.authExchange = authenticator.begin({ clientId: client.clientId, username: client.username });
    return runStep(broker, client, data, undefined);
  }
  if (packet.reasonCode !== ReasonCode.continueAuthentication || !client.authExchange) {
    return protocolViolation(client, `unexpected AUTH reason code 0x${packet.reasonCode.toString(16)}`);
  }
  runStep(broker, client, data, client.state === 'authenticating' ? client.pendingConnect : undefined);
}

/** Runs one step; `pending` is set for the initial authentication, undefined for a re-authentication. */
function runStep(
  broker: Broker,
  client: ClientConnection,
  data: Uint8Array | undefined,
  pending: PendingConnect | undefined,
): void {
  const exchange = client.authExchange!;
  client.pendingConnect = pending;
  exchange.step(data).then(
    (step) => {
      if (client.state !== 'closed' && client.authExchange === exchange)
        applyStep(broker, client, step, pending);
    },
    (error: unknown) => {
      if (client.state === 'closed' || client.authExchange !== exchange) return;
      broker.env.logger.error('enhanced authentication failed with an error', {
        clientId: client.clientId,
        error: String(error),
      });
      applyStep(
        broker,
        client,
        { kind: 'failure', reason: 'not-authorized', message: 'authenticator error' },
        pending,
      );
    },
  );
}

function applyStep(
  broker: Broker,
  client: ClientConnection,
  step: AuthStep,
  pending: PendingConnect | undefined,
): void {
  if (step.kind === 'continue') {
    // [MQTT-4.12.0-2] a request for more data is AUTH 0x18, naming the method [MQTT-4.12.0-5].
    client.send({
      cmd: 'auth',
      reasonCode: ReasonCode.continueAuthentication,
      properties: { authenticationMethod: client.authMethod!, authenticationData: toBuffer(step.data) },
    });
    return;
  }
  client.authExchange = undefined;
  client.pendingConnect = undefined;
  if (step.kind === 'failure') {
    const detail = step.message ?? 'authentication failed';
    // [MQTT-4.12.0-4] refused at any step: CONNACK ≥ 0x80; [MQTT-4.12.1-2] a failed re-authentication
    // ends the connection with DISCONNECT, whose codes [MQTT-3.14.2-1] have no 0x86: 0x87 either way.
    if (pending) return refuseConnect(broker, client, step.reason, detail);
    return client.close({
      name: 're-authentication-failed',
      publishWill: true,
      code: ReasonCode.notAuthorized,
      detail,
    });
  }
  if (step.username !== undefined) client.username = step.username;
  if (pending) return acceptConnect(broker, client, pending, step.data);
  client.send({
    cmd: 'auth',
    reasonCode: ReasonCode.success,
    properties: {
      authenticationMethod: client.authMethod!,
      ...(step.data ? { authenticationData: toBuffer(step.data) } : {}),
    },
  });
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
