import type {
  IClientPublishOptions,
  IConnackPacket,
  IDisconnectPacket,
  IPublishPacket,
  MqttClient,
} from 'mqtt';
import type { QosLevel } from '../../../shared/admin/broker-link.ts';
import type { FrameScheduler } from '../../lib/frame-batcher.ts';
import { type ClientDefinition, toConnectOptions } from './client-definition.ts';
import { type ReceivedMessage, toReceivedMessage } from './received-message.ts';

/** Messages a virtual client keeps for display; older ones fall off. */
export const RECEIVED_CAP = 1000;

export type ClientStatus = 'offline' | 'connecting' | 'connected';

/** One immutable picture of a virtual client; a new one after every change. */
export interface ClientState {
  definition: ClientDefinition;
  status: ClientStatus;
  /** Why the last connection failed or ended, when it was not the user's doing. */
  problem?: string;
  /** How the last connection ended, when the user asked (disconnect or drop). */
  ended?: 'disconnected' | 'dropped';
  /** From the last CONNACK: the broker still had this client's session. */
  sessionPresent?: boolean;
  connectedAt?: number;
  /** Newest first, at most RECEIVED_CAP. */
  messages: readonly ReceivedMessage[];
  received: number;
  sent: number;
}

export interface OutgoingMessage {
  topic: string;
  payload: string;
  qos: QosLevel;
  retain: boolean;
  properties?: IClientPublishOptions['properties'];
}

export interface VirtualClientOptions {
  /** Opens an `mqtt` client on the in-tab broker (the sandbox engine's `connect`). */
  connect: (options: ReturnType<typeof toConnectOptions>) => MqttClient;
  /** Told after each change; the owner decides when to re-render. */
  onChange: () => void;
  scheduler: FrameScheduler;
  now?: () => number;
}

/** A real `mqtt` client on the in-tab broker, with the state the sandbox page shows. Each connect
 * opens a fresh `mqtt` client with the same options; received messages are handed over once a frame. */
export class VirtualClient {
  #state: ClientState;
  #mqtt: MqttClient | undefined;
  #pending: ReceivedMessage[] = [];
  #flush: number | undefined;
  #seq = 0;
  #listeners = new Set<(packet: IPublishPacket) => void>();
  readonly #options: VirtualClientOptions;
  readonly #now: () => number;

  constructor(definition: ClientDefinition, options: VirtualClientOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#state = { definition, status: 'offline', messages: [], received: 0, sent: 0 };
  }

  get id(): string {
    return this.#state.definition.clientId;
  }

  get state(): ClientState {
    return this.#state;
  }

  /** Opens a connection; settles when the broker accepts it (CONNACK) or the attempt ends. */
  connect(): Promise<void> {
    if (this.#mqtt) return Promise.resolve();
    const client = this.#options.connect(toConnectOptions(this.#state.definition));
    this.#mqtt = client;
    this.#set({ status: 'connecting', problem: undefined, ended: undefined });
    return new Promise((resolve, reject) => {
      client.on('connect', (connack: IConnackPacket) => {
        this.#set({ status: 'connected', sessionPresent: connack.sessionPresent, connectedAt: this.#now() });
        resolve();
      });
      client.on('message', (_topic, _payload, packet) => this.#receive(packet));
      client.on('error', (error) => this.#set({ problem: error.message }));
      client.on('disconnect', (packet: IDisconnectPacket) =>
        this.#set({
          problem: `The broker closed the connection (reason 0x${(packet.reasonCode ?? 0).toString(16)})`,
        }),
      );
      client.on('close', () => {
        if (this.#mqtt !== client) return;
        this.#mqtt = undefined;
        client.removeAllListeners();
        const lost = this.#state.status === 'connected' && !this.#state.ended && !this.#state.problem;
        this.#set({ status: 'offline', ...(lost ? { problem: 'Connection lost' } : {}) });
        reject(new Error(this.#state.problem ?? `${this.id} could not connect`));
      });
    });
  }

  /** Leaves properly: DISCONNECT first, so the broker discards the will. */
  async disconnect(): Promise<void> {
    const client = this.#mqtt;
    if (!client) return;
    this.#set({ ended: 'disconnected' });
    await client.endAsync(false);
  }

  /** Destroys the socket without DISCONNECT, as a device losing power would: the broker publishes
   * the will. */
  drop(): void {
    const client = this.#mqtt;
    if (!client) return;
    this.#set({ ended: 'dropped' });
    client.end(true);
  }

  async subscribe(filter: string, qos: QosLevel): Promise<QosLevel> {
    const granted = await this.#connected().subscribeAsync(filter, { qos });
    const grant = granted[0]?.qos;
    if (grant === undefined || grant > 2) throw new Error(`The broker refused ${filter}`);
    return grant as QosLevel;
  }

  async unsubscribe(filter: string): Promise<void> {
    await this.#connected().unsubscribeAsync(filter);
  }

  async publish(message: OutgoingMessage): Promise<void> {
    const options: IClientPublishOptions = { qos: message.qos, retain: message.retain };
    if (message.properties) options.properties = message.properties;
    await this.#connected().publishAsync(message.topic, message.payload, options);
    this.#set({ sent: this.#state.sent + 1 });
  }

  /** Every message received, as it arrives (the demos answer requests with it). */
  onMessage(listener: (packet: IPublishPacket) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  clearMessages(): void {
    this.#pending = [];
    this.#set({ messages: [], received: 0 });
  }

  /** Closes the connection without telling anyone; for teardown. */
  dispose(): void {
    if (this.#flush !== undefined) this.#options.scheduler.cancel(this.#flush);
    this.#listeners.clear();
    const client = this.#mqtt;
    this.#mqtt = undefined;
    client?.removeAllListeners();
    client?.end(true);
  }

  #connected(): MqttClient {
    if (!this.#mqtt || this.#state.status !== 'connected') throw new Error(`${this.id} is not connected`);
    return this.#mqtt;
  }

  #receive(packet: IPublishPacket): void {
    this.#pending.push(toReceivedMessage(packet, this.#seq++, this.#now()));
    // Frames stop in a background tab while messages keep coming: keep only what could be shown.
    if (this.#pending.length > 2 * RECEIVED_CAP) this.#pending = this.#pending.slice(-RECEIVED_CAP);
    for (const listener of this.#listeners) listener(packet);
    this.#flush ??= this.#options.scheduler.request(() => {
      this.#flush = undefined;
      const batch = this.#pending.reverse();
      this.#pending = [];
      this.#set({
        messages: [...batch, ...this.#state.messages].slice(0, RECEIVED_CAP),
        received: this.#state.received + batch.length,
      });
    });
  }

  #set(patch: Partial<ClientState>): void {
    this.#state = { ...this.#state, ...patch };
    this.#options.onChange();
  }
}
