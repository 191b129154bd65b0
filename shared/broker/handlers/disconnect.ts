import type { IDisconnectPacket } from 'mqtt-packet';
import { ReasonCode } from '../../codec/reason-codes.ts';
import type { Broker } from '../broker.ts';
import type { ClientConnection } from '../client-connection.ts';
import { protocolViolation } from '../dispatch-packet.ts';

/**
 * A DISCONNECT discards the will [MQTT-3.14.4-3]; in v5 only reason code 0x00 does [MQTT-3.1.2-10]:
 * "disconnect with will message" (0x04) and the error codes (0x80 and up) leave it to be published.
 * A v5 client may change its session expiry here, but not from 0 to non-zero (§3.14.2.2.2).
 */
export function handleDisconnect(broker: Broker, client: ClientConnection, packet: IDisconnectPacket): void {
  // During authentication there is no session yet: the client just gives up.
  if (!client.session) return client.close({ name: 'client-disconnect', publishWill: false });
  const expiry = packet.properties?.sessionExpiryInterval;
  const session = client.session;
  if (expiry !== undefined) {
    // The rule is about the CONNECT's value, not the one the broker granted.
    if (client.requestedSessionExpiry === 0 && expiry > 0) {
      return protocolViolation(client, 'DISCONNECT sets a session expiry after CONNECT set none');
    }
    session.expiryInterval = Math.min(expiry, broker.limits.maxSessionExpiry);
  }
  const withWill =
    client.protocolVersion === 5 && (packet.reasonCode ?? ReasonCode.success) !== ReasonCode.success;
  if (!withWill) client.will = undefined;
  client.close({ name: 'client-disconnect', publishWill: withWill });
}
