import type { Packet } from 'mqtt-packet';
import type { Broker } from './broker.ts';
import type { ClientConnection } from './client-connection.ts';
import { handleAuth } from './handlers/auth.ts';
import { handleConnect } from './handlers/connect.ts';
import { handleDisconnect } from './handlers/disconnect.ts';
import { handlePuback, handlePubcomp, handlePubrec } from './handlers/outbound-acks.ts';
import { handlePingreq } from './handlers/pingreq.ts';
import { handlePublish } from './handlers/publish.ts';
import { handlePubrel } from './handlers/pubrel.ts';
import { handleSubscribe } from './handlers/subscribe.ts';
import { handleUnsubscribe } from './handlers/unsubscribe.ts';

/**
 * The state guard, then one handler per packet type. Before CONNECT only CONNECT is legal
 * [MQTT-3.1.0-1]; after it, a second CONNECT is a protocol violation [MQTT-3.1.0-2]; packets only a
 * server sends are violations too.
 */
/** `frame` is the packet's bytes as received, when at hand: PUBLISH forwards reuse them. */
export function dispatchPacket(
  broker: Broker,
  client: ClientConnection,
  packet: Packet,
  frame?: Uint8Array,
): void {
  if (client.state === 'awaiting-connect') {
    if (packet.cmd === 'connect') return handleConnect(broker, client, packet);
    return protocolViolation(client, `${packet.cmd} before CONNECT`);
  }
  // [MQTT-2.3.1-1] PUBLISH with QoS > 0, SUBSCRIBE and UNSUBSCRIBE carry a non-zero packet id.
  if (packet.messageId === 0 && (packet.cmd !== 'publish' || packet.qos > 0)) {
    return protocolViolation(client, `${packet.cmd} with packet id 0`);
  }
  switch (packet.cmd) {
    case 'publish':
      return handlePublish(broker, client, packet, frame);
    case 'puback':
      return handlePuback(broker, client, packet);
    case 'pubrec':
      return handlePubrec(broker, client, packet);
    case 'pubrel':
      return handlePubrel(broker, client, packet);
    case 'pubcomp':
      return handlePubcomp(broker, client, packet);
    case 'subscribe':
      return handleSubscribe(broker, client, packet);
    case 'unsubscribe':
      return handleUnsubscribe(broker, client, packet);
    case 'pingreq':
      return handlePingreq(client);
    case 'disconnect':
      return handleDisconnect(broker, client, packet);
    case 'auth':
      return handleAuth(broker, client, packet);
    case 'connect':
      return protocolViolation(client, 'second CONNECT');
    default:
      return protocolViolation(client, `unexpected ${packet.cmd} from a client`);
  }
}

export function protocolViolation(client: ClientConnection, detail: string): void {
  client.close({ name: 'protocol-error', publishWill: true, code: 0x82, detail });
}
