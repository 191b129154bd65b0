import type { Buffer } from 'buffer';
import type { IPublishPacket, QoS } from 'mqtt-packet';
import type { PublishBytes } from '../codec/publish-encoder.ts';
import type { UserPropertyPair } from '../codec/user-property-order.ts';

export type PublishProperties = NonNullable<IPublishPacket['properties']>;

/** An application message as routed: immutable once published, shared by every delivery. */
export interface Message {
  readonly topic: string;
  readonly payload: Buffer;
  readonly qos: QoS;
  readonly retain: boolean;
  readonly properties: PublishProperties | undefined;
  readonly publishedAt: number;
  /** Client id of the publisher; undefined for messages published by the broker itself. */
  readonly origin: string | undefined;
  /** User Properties in wire order, when `properties.userProperties` (an object) cannot keep it. */
  readonly userPropertyOrder?: readonly UserPropertyPair[] | undefined;
  /** Epoch ms after which the message is no longer delivered, from its Message Expiry Interval. */
  readonly expiresAt: number | undefined;
  /** Encoded wire forms, filled lazily by the publish encoder and shared by all deliveries. */
  wire: EncodedPublish | undefined;
}

/** One wire form of a message. A message seldom has more than one or two, so they form a list:
 * a Map per message would cost ~190 bytes, and a queue can hold 100,000 messages. */
export interface EncodedPublish extends PublishBytes {
  /** Protocol family, QoS and retain flag, as the publish encoder numbers them. */
  readonly form: number;
  readonly next: EncodedPublish | undefined;
}

export function createMessage(
  fields: Pick<
    Message,
    'topic' | 'payload' | 'qos' | 'retain' | 'properties' | 'origin' | 'userPropertyOrder'
  >,
  publishedAt: number,
): Message {
  const expiry = fields.properties?.messageExpiryInterval;
  // One literal with every field, so all messages share one shape on the publish path.
  return {
    topic: fields.topic,
    payload: fields.payload,
    qos: fields.qos,
    retain: fields.retain,
    properties: fields.properties,
    publishedAt,
    origin: fields.origin,
    userPropertyOrder: fields.userPropertyOrder,
    expiresAt: expiry === undefined ? undefined : publishedAt + expiry * 1000,
    wire: undefined,
  };
}
