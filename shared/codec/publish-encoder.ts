import type { QoS } from 'mqtt-packet';
import type { EncodedPublish, Message, PublishProperties } from '../broker/message.ts';
import { generatePacket } from './packet-encoder.ts';
import { encodePublishV4 } from './publish-fast-encoder.ts';
import { appendUserProperties } from './user-property-order.ts';
import { bodyStart } from './variable-byte-integer.ts';

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

/** A PUBLISH without its packet id and DUP flag, which differ per delivery: the connection writes
 * them into its own output (see `ClientConnection.writeWithPacketId`). */
export interface PublishBytes {
  readonly bytes: Uint8Array;
  /** Offset of the two packet-id bytes; -1 for QoS 0. */
  readonly packetIdOffset: number;
}

/**
 * Encodes a PUBLISH once per distinct wire form (QoS, retain flag, protocol version) and shares the
 * bytes among every subscriber that gets that form. A v5 delivery with its own properties
 * (subscription identifiers, remaining expiry, topic alias) is encoded on its own.
 */
export function encodePublish(message: Message, form: DeliveryForm, extras?: DeliveryExtras): PublishBytes {
  if (extras && form.protocolVersion === 5) {
    const bytes = encodeWithExtras(message, form, extras);
    return { bytes, packetIdOffset: form.qos > 0 ? packetIdOffset(bytes) : -1 };
  }
  return encodedForm(message, form);
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
  addForm(message, key, frame, message.qos > 0 ? packetIdOffset(frame) : -1);
}

function addForm(message: Message, form: number, bytes: Uint8Array, idOffset: number): EncodedPublish {
  message.wire = { form, bytes, packetIdOffset: idOffset, next: message.wire };
  return message.wire;
}

function encodedForm(message: Message, form: DeliveryForm): EncodedPublish {
  const version = form.protocolVersion === 5 ? 5 : 4;
  const key = formKey(version, form.qos, form.retain);
  let encoded = message.wire;
  while (encoded && encoded.form !== key) encoded = encoded.next;
  if (!encoded) {
    const bytes =
      version === 5
        ? encodeV5(message, form)
        : encodePublishV4(message.topic, message.payload, form.qos, form.retain);
    encoded = addForm(message, key, bytes, form.qos > 0 ? packetIdOffset(bytes) : -1);
  }
  return encoded;
}

function encodeV5(message: Message, form: DeliveryForm): Uint8Array {
  const bytes = generatePacket(
    {
      cmd: 'publish',
      topic: message.topic,
      payload: message.payload,
      qos: form.qos,
      retain: form.retain,
      dup: false,
      messageId: form.qos > 0 ? 1 : undefined,
      properties: propertiesToEncode(message, message.properties),
    },
    5,
  );
  return message.userPropertyOrder ? appendUserProperties(bytes, form.qos, message.userPropertyOrder) : bytes;
}

function encodeWithExtras(message: Message, form: DeliveryForm, extras: DeliveryExtras): Uint8Array {
  const properties: PublishProperties = { ...message.properties };
  if (extras.subscriptionIds) {
    properties.subscriptionIdentifier =
      extras.subscriptionIds.length === 1 ? extras.subscriptionIds[0]! : extras.subscriptionIds;
  }
  if (extras.messageExpiryInterval !== undefined)
    properties.messageExpiryInterval = extras.messageExpiryInterval;
  if (extras.topicAlias) properties.topicAlias = extras.topicAlias.alias;
  const bytes = generatePacket(
    {
      cmd: 'publish',
      topic: extras.topicAlias && !extras.topicAlias.establish ? '' : message.topic,
      payload: message.payload,
      qos: form.qos,
      retain: form.retain,
      dup: false,
      messageId: form.qos > 0 ? 1 : undefined,
      properties: propertiesToEncode(message, properties),
    },
    5,
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
  const offset = bodyStart(bytes);
  const topicLength = (bytes[offset]! << 8) | bytes[offset + 1]!;
  return offset + 2 + topicLength;
}
