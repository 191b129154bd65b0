import type { QoS } from 'mqtt-packet';
import type { DropCause } from './broker-metrics.ts';

export interface ConnectEvent {
  sessionId: string;
  clientId: string;
  protocolVersion: number;
  transport: string;
  remoteAddress: string;
  cleanSession: boolean;
  sessionPresent: boolean;
  keepalive: number;
  username: string | undefined;
}

export interface DisconnectEvent {
  sessionId: string;
  clientId: string;
  /** Why the connection ended: "client-disconnect", "keepalive-timeout", "takeover", … */
  reason: string;
  /** True when the will message was published. */
  willPublished: boolean;
}

export interface SubscribeEvent {
  sessionId: string;
  clientId: string;
  filter: string;
  qos: QoS;
}

export interface UnsubscribeEvent {
  sessionId: string;
  clientId: string;
  filter: string;
}

export interface PublishEvent {
  /** Client id of the publisher, undefined for the broker's own messages. */
  clientId: string | undefined;
  topic: string;
  payload: Uint8Array;
  qos: QoS;
  retain: boolean;
  /** When the broker took the message (epoch ms): listeners need not read the clock per message. */
  publishedAt: number;
  /** Number of sessions the message was delivered or queued to. */
  deliveries: number;
}

export interface DropEvent {
  cause: DropCause;
  topic: string;
  clientId: string | undefined;
}

export interface BrokerEventMap {
  connect: ConnectEvent;
  disconnect: DisconnectEvent;
  subscribe: SubscribeEvent;
  unsubscribe: UnsubscribeEvent;
  publish: PublishEvent;
  drop: DropEvent;
}

export type BrokerEventName = keyof BrokerEventMap;
type Listener<K extends BrokerEventName> = (event: BrokerEventMap[K]) => void;

/**
 * Typed events. Emitters check `has(name)` before building an event object, so an event nobody
 * listens to costs one property read.
 */
export class BrokerEvents {
  private readonly listeners: { [K in BrokerEventName]?: Listener<K>[] } = {};

  /** A listener that throws must not break the broker path that emitted the event. */
  constructor(private readonly onListenerError: (name: BrokerEventName, error: unknown) => void) {}

  on<K extends BrokerEventName>(name: K, listener: Listener<K>): () => void {
    const list = (this.listeners[name] ?? []) as Listener<K>[];
    list.push(listener);
    this.listeners[name] = list as (typeof this.listeners)[K];
    return () => this.off(name, listener);
  }

  off<K extends BrokerEventName>(name: K, listener: Listener<K>): void {
    const list = this.listeners[name] as Listener<K>[] | undefined;
    if (!list) return;
    const index = list.indexOf(listener);
    if (index >= 0) list.splice(index, 1);
    if (list.length === 0) delete this.listeners[name];
  }

  has(name: BrokerEventName): boolean {
    return this.listeners[name] !== undefined;
  }

  emit<K extends BrokerEventName>(name: K, event: BrokerEventMap[K]): void {
    const list = this.listeners[name] as Listener<K>[] | undefined;
    if (!list) return;
    for (const listener of list.slice()) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(name, error);
      }
    }
  }
}
