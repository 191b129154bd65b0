import type { IClientOptions, MqttClient } from 'mqtt';
import type { BrokerLink } from '../../../shared/admin/broker-link.ts';
import type { FrameScheduler } from '../../lib/frame-batcher.ts';
import type { DemoName } from './client-definition.ts';
import { DemoRunner } from './demos/demo-runner.ts';
import { startRequestResponse } from './demos/request-response.ts';
import { sensorFleetDefaults, startSensorFleet } from './demos/sensor-fleet.ts';
import { startWorkerPool } from './demos/worker-pool.ts';
import { buildStateFile, parseStateFile, stateFileName } from './state-file.ts';
import { VirtualClients, type VirtualClientsOptions } from './virtual-clients.ts';

/** What the page needs of the in-tab broker (web/sandbox): its BrokerLink, a way to connect real
 * `mqtt` clients to it, and its state. */
export interface SandboxEngine {
  readonly link: BrokerLink;
  connect(options: IClientOptions): MqttClient;
  reset(): Promise<void>;
  exportState(): Promise<string>;
  importState(json: string): Promise<void>;
  dispose(): void | Promise<void>;
}

export interface SandboxSessionOptions {
  scheduler: FrameScheduler;
  /** Whether the engine's store outlives the page (IndexedDB) or is memory only. */
  persistent: boolean;
  storage?: VirtualClientsOptions['storage'];
}

export interface DemoOptions {
  sensors?: number;
}

/** The sandbox page's world: the engine, the virtual clients and the demo scenarios, and the
 * actions that touch more than one of them. Lives as long as the tab. */
export class SandboxSession {
  readonly engine: SandboxEngine;
  readonly clients: VirtualClients;
  readonly demos: DemoRunner;
  readonly persistent: boolean;

  constructor(engine: SandboxEngine, options: SandboxSessionOptions) {
    this.engine = engine;
    this.persistent = options.persistent;
    this.clients = new VirtualClients({
      connect: (connectOptions) => engine.connect(connectOptions),
      scheduler: options.scheduler,
      storage: options.storage,
    });
    this.demos = new DemoRunner(this.clients);
  }

  /** Removes the client and, when it had one, its persistent session in the broker. */
  async removeClient(clientId: string): Promise<void> {
    const definition = this.clients.get(clientId)?.state.definition;
    await this.clients.remove(clientId);
    if (definition && !definition.clean) await this.engine.link.deleteSession(clientId);
  }

  startDemo(name: DemoName, options: DemoOptions = {}): Promise<void> {
    switch (name) {
      case 'sensors':
        return this.demos.start(name, startSensorFleet, {
          sensors: options.sensors ?? sensorFleetDefaults.sensors,
        });
      case 'rpc':
        return this.demos.start(name, startRequestResponse, {});
      case 'workers':
        return this.demos.start(name, startWorkerPool, {});
    }
  }

  /** Back to an empty broker: demos stopped, clients gone, sessions and retained messages cleared. */
  async reset(): Promise<void> {
    await this.demos.stopAll();
    await this.clients.clear();
    await this.engine.reset();
  }

  async exportFile(at = new Date()): Promise<{ name: string; text: string }> {
    const brokerJson = await this.engine.exportState();
    return { name: stateFileName(at), text: buildStateFile(brokerJson, this.clients.definitions(), at) };
  }

  /** Replaces everything with the file's state; a bad file changes nothing. */
  async importFile(text: string): Promise<{ clients: number }> {
    const parsed = parseStateFile(text);
    await this.demos.stopAll();
    await this.clients.clear();
    await this.engine.importState(parsed.brokerJson);
    await this.clients.replace(parsed.clients);
    return { clients: parsed.clients.length };
  }

  dispose(): void {
    void this.demos.stopAll();
    this.clients.dispose();
    void this.engine.dispose();
  }
}
