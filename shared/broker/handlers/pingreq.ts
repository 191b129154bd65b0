import type { ClientConnection } from '../client-connection.ts';

/** [MQTT-3.12.4-1] the server answers PINGREQ with PINGRESP. */
export function handlePingreq(client: ClientConnection): void {
  client.send({ cmd: 'pingresp' });
}
