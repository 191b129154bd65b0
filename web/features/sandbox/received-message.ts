import type { IPublishPacket } from 'mqtt';
import type { PayloadView, QosLevel } from '../../../shared/admin/broker-link.ts';
import { encodeBase64 } from '../../lib/payload-format.ts';

/** Bytes of a payload kept for display; a virtual client's list holds many messages. */
const PREVIEW_BYTES = 16 * 1024;

/** A message as a virtual client received it, ready for display. */
export interface ReceivedMessage {
  seq: number;
  at: number;
  topic: string;
  qos: QosLevel;
  retain: boolean;
  dup: boolean;
  payload: PayloadView;
  /** MQTT 5 properties worth showing, when the message carried them. */
  responseTopic?: string;
  correlationData?: PayloadView;
  contentType?: string;
  userProperties?: Record<string, string | string[]>;
}

export function toPayloadView(bytes: Uint8Array): PayloadView {
  const shown = bytes.subarray(0, PREVIEW_BYTES);
  return { base64: encodeBase64(shown), size: bytes.length, truncated: shown.length < bytes.length };
}

export function toReceivedMessage(packet: IPublishPacket, seq: number, at: number): ReceivedMessage {
  const payload =
    typeof packet.payload === 'string' ? new TextEncoder().encode(packet.payload) : packet.payload;
  const message: ReceivedMessage = {
    seq,
    at,
    topic: packet.topic,
    qos: packet.qos,
    retain: packet.retain,
    dup: packet.dup,
    payload: toPayloadView(payload),
  };
  const properties = packet.properties;
  if (properties?.responseTopic) message.responseTopic = properties.responseTopic;
  if (properties?.correlationData) message.correlationData = toPayloadView(properties.correlationData);
  if (properties?.contentType) message.contentType = properties.contentType;
  if (properties?.userProperties && Object.keys(properties.userProperties).length > 0) {
    message.userProperties = properties.userProperties;
  }
  return message;
}
