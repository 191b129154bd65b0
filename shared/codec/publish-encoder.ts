import type { QoS } from 'mqtt-packet';
import mqttPacket from 'mqtt-packet';
import type { EncodedPublish, Message } from '../broker/message.ts';

export interface DeliveryForm {
  qos: QoS;
  retain: boolean;
  protocolVersion: number;
}

/**
 * Encodes a PUBLISH once per distinct wire form (QoS, retain flag, protocol version) and shares the
 * bytes among every subscriber that gets that form. Only the packet id and DUP flag differ per
 * delivery: those are patched into a copy.
 */
export function encodePublish(
  message: Message,
  form: DeliveryForm,
  packetId: number,
  dup: boolean,
): Uint8Array {
  const encoded = encodedForm(message, form);
  if (form.qos === 0) return encoded.bytes;
  const bytes = encoded.bytes.slice();
  bytes[encoded.packetIdOffset] = packetId >> 8;
  bytes[encoded.packetIdOffset + 1] = packetId & 0xff;
  if (dup) bytes[0]! |= 0x08;
  return bytes;
}

function encodedForm(message: Message, form: DeliveryForm): EncodedPublish {
  const version = form.protocolVersion === 5 ? 5 : 4;
  const key = version * 8 + form.qos * 2 + (form.retain ? 1 : 0);
  message.wire ??= new Map();
  let encoded = message.wire.get(key);
  if (!encoded) {
    const bytes = mqttPacket.generate(
      {
        cmd: 'publish',
        topic: message.topic,
        payload: message.payload,
        qos: form.qos,
        retain: form.retain,
        dup: false,
        messageId: form.qos > 0 ? 1 : undefined,
        properties: version === 5 ? message.properties : undefined,
      },
      { protocolVersion: version },
    );
    encoded = { bytes, packetIdOffset: form.qos > 0 ? packetIdOffset(bytes) : -1 };
    message.wire.set(key, encoded);
  }
  return encoded;
}

function packetIdOffset(bytes: Uint8Array): number {
  let offset = 1;
  while ((bytes[offset]! & 0x80) !== 0) offset++;
  offset++;
  const topicLength = (bytes[offset]! << 8) | bytes[offset + 1]!;
  return offset + 2 + topicLength;
}
