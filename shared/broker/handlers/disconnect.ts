import type { ClientConnection } from '../client-connection.ts';

/** A clean DISCONNECT discards the will [MQTT-3.14.4-3] and ends the connection. */
export function handleDisconnect(client: ClientConnection): void {
  client.will = undefined;
  client.close({ name: 'client-disconnect', publishWill: false });
}
