import type { QoS } from 'mqtt-packet';
import mqttPacket from 'mqtt-packet';
import type { EncodedPublish, Message, PublishProperties } from '../broker/message.ts';
import { appendUserProperties } from './user-property-order.ts';

export interface DeliveryForm {
  qos: QoS;
  retain: boolean;
  protocolVersion: number;
}

/** What makes one MQTT 5 delivery's properties its own. */
export interface DeliveryExtras {
  subscriptionIds: number[] | undefined;
  /** Seconds left of the Message Expiry Interval [MQTT-3.3.2-6]. */
  messageExpiryInterval: number | undefined;
  topicAlias: { alias: number; establish: boolean } | undefined;
}

/**
 * Encodes a PUBLISH once per distinct wire form (QoS, retain flag, protocol version) and shares the
 * bytes among every subscriber that gets that form. Only the packet id and DUP flag differ per
 * delivery: those are patched into a copy. A v5 delivery with its own properties (subscription
 * identifiers, remaining expiry, topic alias) is encoded on its own.
 */
export function encodePublish(
  message: Message,
  form: DeliveryForm,
  packetId: number,
  dup: boolean,
  extras?: DeliveryExtras,
): Uint8Array {
  if (extras && form.protocolVersion === 5) return encodeWithExtras(message, form, packetId, dup, extras);
  const encoded = encodedForm(message, form);
  if (form.qos === 0) return encoded.bytes;
  const bytes = encoded.bytes.slice();
  bytes[encoded.packetIdOffset] = packetId >> 8;
  bytes[encoded.packetIdOffset + 1] = packetId & 0xff;
  if (dup) bytes[0]! |= 0x08;
  return bytes;
}

function formKey(protocolVersion: number, qos: number, retain: boolean): number {
  return (protocolVersion === 5 ? 5 : 4) * 8 + qos * 2 + (retain ? 1 : 0);
}

/**
 * The PUBLISH as it arrived is already the wire form for subscribers of the same protocol family at
 * the same QoS and retain flag: forwarding reuses its bytes instead of encoding again. Not when it
 * is a re-send (DUP is per hop [MQTT-3.3.1-3]); the caller leaves out frames with a Topic Alias.
 */
export function reuseIncomingFrame(message: Message, frame: Uint8Array, protocolVersion: number): void {
  if (frame[0]! & 0x08) return;
  const key = formKey(protocolVersion, message.qos, message.retain);
  message.wire ??= new Map();
  message.wire.set(key, { bytes: frame, packetIdOffset: message.qos > 0 ? packetIdOffset(frame) : -1 });
}

function encodedForm(message: Message, form: DeliveryForm): EncodedPublish {
  const version = form.protocolVersion === 5 ? 5 : 4;
  const key = formKey(version, form.qos, form.retain);
  message.wire ??= new Map();
  let encoded = message.wire.get(key);
  if (!encoded) {
    let bytes: Uint8Array = mqttPacket.generate(
      {
        cmd: 'publish',
        topic: message.topic,
        payload: message.payload,
        qos: form.qos,
        retain: form.retain,
        dup: false,
        messageId: form.qos > 0 ? 1 : undefined,
        properties: version === 5 ? propertiesToEncode(message, message.properties) : undefined,
      },
      { protocolVersion: version },
    );
    if (version === 5 && message.userPropertyOrder) {
      bytes = appendUserProperties(bytes, form.qos, message.userPropertyOrder);
    }
    encoded = { bytes, packetIdOffset: form.qos > 0 ? packetIdOffset(bytes) : -1 };
    message.wire.set(key, encoded);
  }
  return encoded;
}

function encodeWithExtras(
  message: Message,
  form: DeliveryForm,
  packetId: number,
  dup: boolean,
  extras: DeliveryExtras,
): Uint8Array {
  const properties: PublishProperties = { ...message.properties };
  if (extras.subscriptionIds) {
    properties.subscriptionIdentifier =
      extras.subscriptionIds.length === 1 ? extras.subscriptionIds[0]! : extras.subscriptionIds;
  }
  if (extras.messageExpiryInterval !== undefined)
    properties.messageExpiryInterval = extras.messageExpiryInterval;
  if (extras.topicAlias) properties.topicAlias = extras.topicAlias.alias;
  const bytes = mqttPacket.generate(
    {
      cmd: 'publish',
      topic: extras.topicAlias && !extras.topicAlias.establish ? '' : message.topic,
      payload: message.payload,
      qos: form.qos,
      retain: form.retain,
      dup,
      messageId: form.qos > 0 ? packetId : undefined,
      properties: propertiesToEncode(message, properties),
    },
    { protocolVersion: 5 },
  );
  return message.userPropertyOrder ? appendUserProperties(bytes, form.qos, message.userPropertyOrder) : bytes;
}

/** Without the User Properties when they are appended in wire order afterwards. */
function propertiesToEncode(
  message: Message,
  properties: PublishProperties | undefined,
): PublishProperties | undefined {
  if (!message.userPropertyOrder || !properties) return properties;
  const { userProperties: _ordered, ...rest } = properties;
  return rest;
}

function packetIdOffset(bytes: Uint8Array): number {
  let offset = 1;
  while ((bytes[offset]! & 0x80) !== 0) offset++;
  offset++;
  const topicLength = (bytes[offset]! << 8) | bytes[offset + 1]!;
  return offset + 2 + topicLength;
}
