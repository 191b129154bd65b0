import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import mqttPacket, { type Packet } from 'mqtt-packet';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  lengthPrefixed,
  rawConnect,
  rawPacket,
  variableByteInteger,
} from '../../shared/testing/raw-packets.ts';
import type { LimitsConfig } from '../config/config-schema.ts';
import { createLogger } from '../logging/create-logger.ts';
import type { RunningServer } from '../start-server.ts';
import { startTestServer } from './integration-helpers.ts';

const MAX_PACKET_SIZE = 64 * 1024;

interface Attack {
  name: string;
  /** Send a valid CONNECT (and take the CONNACK) first. */
  connected: boolean;
  bytes: Uint8Array;
  /** The `reason=` the warn line must carry. */
  reason: RegExp;
  /** And, where it says more, its `detail=`. */
  detail?: RegExp;
}

const attacks: Attack[] = [
  ...[1, 2, 3].map((seed) => ({
    name: `random bytes (seed ${seed})`,
    connected: false,
    // More than the packet size limit: whatever length the first header declares, the broker has
    // either the whole packet (not a CONNECT it can accept) or a declared size over the limit.
    bytes: randomBytes(seed, MAX_PACKET_SIZE + 1024),
    reason: /^(malformed-packet|protocol-error|packet-too-large)$/,
  })),
  {
    // MQTT 3.1.1 §2.2.3: the remaining length takes at most four bytes [MQTT-4.8.0-1].
    name: 'a remaining length longer than four bytes',
    connected: false,
    bytes: Uint8Array.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x7f]),
    reason: /^malformed-packet$/,
    detail: /four bytes/,
  },
  {
    name: 'a header declaring more than limits.maxPacketSize (body never sent)',
    connected: true,
    bytes: Uint8Array.from([0x30, ...variableByteInteger(MAX_PACKET_SIZE)]),
    reason: /^packet-too-large$/,
  },
  {
    name: 'ill-formed UTF-8 in a PUBLISH topic [MQTT-1.5.3-1]',
    connected: true,
    bytes: rawPublish([0x61, 0x2f, 0xc3, 0x28]),
    reason: /^malformed-packet$/,
    detail: /ill-formed-utf8/,
  },
  {
    name: 'a UTF-16 surrogate encoded in a PUBLISH topic [MQTT-1.5.3-1]',
    connected: true,
    bytes: rawPublish([0x61, 0xed, 0xa0, 0x80]),
    reason: /^malformed-packet$/,
    detail: /ill-formed-utf8/,
  },
  {
    name: 'ill-formed UTF-8 in a CONNECT client id [MQTT-1.5.3-1]',
    connected: false,
    bytes: rawConnect({ clientId: [0x69, 0x64, 0xff, 0xfe] }),
    reason: /^malformed-packet$/,
    detail: /ill-formed-utf8/,
  },
  {
    name: 'U+0000 in a PUBLISH topic [MQTT-1.5.3-2]',
    connected: true,
    bytes: encode({ cmd: 'publish', topic: 'a/\u0000/b', payload: 'x', qos: 0, retain: false, dup: false }),
    reason: /^malformed-packet$/,
    detail: /null-character/,
  },
  {
    name: 'a "+" wildcard in a PUBLISH topic name [MQTT-3.3.2-2]',
    connected: true,
    bytes: rawPublish([...new TextEncoder().encode('a/+/b')]),
    reason: /^protocol-error$/,
    detail: /invalid topic name/,
  },
  {
    name: 'a "#" wildcard in a PUBLISH topic name [MQTT-3.3.2-2]',
    connected: true,
    bytes: rawPublish([...new TextEncoder().encode('a/#')]),
    reason: /^protocol-error$/,
    detail: /invalid topic name/,
  },
  {
    name: 'a PINGREQ before CONNECT [MQTT-3.1.0-1] [MQTT-4.8.0-1]',
    connected: false,
    bytes: encode({ cmd: 'pingreq' }),
    reason: /^protocol-error$/,
    detail: /pingreq before CONNECT/,
  },
  {
    name: 'a PUBLISH before CONNECT [MQTT-3.1.0-1] [MQTT-4.8.0-1]',
    connected: false,
    bytes: encode({ cmd: 'publish', topic: 'early', payload: 'x', qos: 0, retain: false, dup: false }),
    reason: /^protocol-error$/,
    detail: /publish before CONNECT/,
  },
  {
    name: 'a second CONNECT [MQTT-3.1.0-2]',
    connected: true,
    bytes: encode(connectPacket('second')),
    reason: /^protocol-error$/,
    detail: /second CONNECT/,
  },
  {
    name: 'a SUBSCRIBE with reserved flags 0000 [MQTT-3.8.1-1] [MQTT-2.2.2-1] [MQTT-2.2.2-2]',
    connected: true,
    bytes: Uint8Array.from([0x80, 0x06, 0x00, 0x01, 0x00, 0x01, 0x61, 0x00]),
    reason: /^malformed-packet$/,
    detail: /flag/,
  },
  {
    name: 'a PUBREL with reserved flags 0000 [MQTT-3.6.1-1] [MQTT-2.2.2-2]',
    connected: true,
    bytes: Uint8Array.from([0x60, 0x02, 0x00, 0x01]),
    reason: /^malformed-packet$/,
    detail: /flag/,
  },
  {
    name: 'a PUBLISH with both QoS bits set [MQTT-3.3.1-4]',
    connected: true,
    bytes: Uint8Array.from([0x36, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01]),
    reason: /^malformed-packet$/,
    detail: /QoS/,
  },
];

describe('bad input over TCP', () => {
  let server: RunningServer | undefined;
  let lines: string[] = [];
  const sockets: Socket[] = [];
  const clients: MqttClient[] = [];

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
    await server?.stop(1000);
    server = undefined;
  });

  async function start(limits: Partial<LimitsConfig> = {}): Promise<number> {
    lines = [];
    server = await startTestServer(['tcp://127.0.0.1:0'], {
      limits: { maxPacketSize: MAX_PACKET_SIZE, ...limits },
      logger: createLogger({ level: 'debug', format: 'text', write: (line) => lines.push(line) }),
    });
    return server.listeners[0]!.port;
  }

  /** An mqtt client subscribed to its own topic; `check()` proves it still publishes and receives. */
  async function healthyClient(port: number): Promise<{ check(): Promise<void> }> {
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      clientId: 'healthy',
      reconnectPeriod: 0,
    });
    clients.push(client);
    await client.subscribeAsync('healthy/#', { qos: 1 });
    let round = 0;
    return {
      async check() {
        round++;
        const received = new Promise<string>((resolve) =>
          client.once('message', (_topic, payload) => resolve(String(payload))),
        );
        await client.publishAsync(`healthy/${round}`, `round ${round}`, { qos: 1 });
        expect(await received).toBe(`round ${round}`);
        expect(client.connected).toBe(true);
      },
    };
  }

  async function openSocket(port: number): Promise<Socket> {
    const socket = connect({ host: '127.0.0.1', port });
    sockets.push(socket);
    // The broker may reset the connection while bytes are still in flight.
    socket.on('error', () => {});
    await once(socket, 'connect');
    return socket;
  }

  async function sendConnect(socket: Socket): Promise<void> {
    const connack = new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.write(encode(connectPacket('attacker')));
    await connack;
  }

  function closedWithin(socket: Socket, ms: number): Promise<void> {
    if (socket.destroyed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`connection still open after ${ms} ms`)), ms);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Exactly one warn line, about the attacker's connection, with this reason (and detail). */
  function expectWarning(message: RegExp, reason: RegExp, detail?: RegExp): void {
    const warnings = lines
      .filter((line) => / warn +/.test(line))
      .map((line) => ({ reason: /\breason=(\S+)/.exec(line)?.[1] ?? '', line }));
    expect(warnings, lines.join('\n')).toHaveLength(1);
    const [warning] = warnings;
    expect(warning!.line).toMatch(message);
    expect(warning!.reason).toMatch(reason);
    if (detail) expect(warning!.line).toMatch(detail);
  }

  it.each(attacks)('closes the connection on $name, logs it, and serves others', async (attack) => {
    const port = await start();
    const healthy = await healthyClient(port);
    const socket = await openSocket(port);
    if (attack.connected) await sendConnect(socket);

    socket.write(attack.bytes);
    await closedWithin(socket, 2000);
    await vi.waitFor(() => expect(server!.broker.connections.size).toBe(1));
    expectWarning(/closing connection/, attack.reason, attack.detail);
    await healthy.check();
  });

  it('closes a connection that stops in the middle of a packet, and logs it', async () => {
    const port = await start();
    const healthy = await healthyClient(port);
    const socket = await openSocket(port);
    const bytes = encode(connectPacket('half'));
    socket.end(bytes.subarray(0, bytes.length >> 1));
    await closedWithin(socket, 2000);
    await vi.waitFor(() => expect(server!.broker.connections.size).toBe(1));
    expectWarning(/connection closed mid-packet/, /^peer-closed$/, /partial packet/);
    await healthy.check();
  });

  it('closes a socket that sends no CONNECT within limits.connectTimeoutMs', async () => {
    const port = await start({ connectTimeoutMs: 200 });
    const healthy = await healthyClient(port);
    const startedAt = Date.now();
    const socket = await openSocket(port);
    await closedWithin(socket, 2000);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(150);
    expectWarning(/closing connection/, /^connect-timeout$/);
    // The healthy client connected before the timer and is not subject to it.
    await healthy.check();
  });
});

function connectPacket(clientId: string): Packet {
  return { cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId, clean: true, keepalive: 0 };
}

function encode(packet: Packet): Uint8Array {
  return mqttPacket.generate(packet, { protocolVersion: 4 });
}

/** A QoS 0 PUBLISH with the topic bytes as given (mqtt-packet would encode only valid strings). */
function rawPublish(topic: number[]): Uint8Array {
  return rawPacket(0x30, [...lengthPrefixed(topic), 0x78]);
}

/** Deterministic noise (mulberry32), so a failure replays. */
function randomBytes(seed: number, length: number): Uint8Array {
  let state = seed;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    out[i] = (t ^ (t >>> 14)) >>> 0;
  }
  return out;
}
