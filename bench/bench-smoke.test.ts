import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../server/logging/create-logger.ts';
import { type RunningServer, startServer } from '../server/start-server.ts';
import { benchIothubConfig } from './brokers/iothub-config.ts';
import { noProbe } from './load/cpu-probe.ts';
import { fanIn } from './scenarios/fan-in.ts';
import { smokeSizes } from './scenarios/scenario.ts';

// Not a performance test: it proves the load generator, its framer and the scenario plumbing count
// real deliveries from a real IoTHub, whatever the machine's speed.
describe('bench load generator', () => {
  let server: RunningServer;

  beforeAll(async () => {
    const config = benchIothubConfig(0);
    config.log.level = 'silent';
    server = await startServer(config, createLogger(config.log));
  });

  afterAll(async () => {
    await server.stop(1000);
  });

  it('counts the messages of the fan-in scenario against an in-process IoTHub', async () => {
    const result = await fanIn.run({
      target: { host: '127.0.0.1', port: server.listeners[0]!.port },
      brokerPid: process.pid,
      runId: 'smoke',
      warmupMs: 200,
      durationMs: 800,
      sizes: smokeSizes,
      probe: noProbe,
    });
    expect(result.delivered).toBeGreaterThan(0);
    expect(result.metrics.rate).toBeGreaterThan(0);
    // Every delivered message was published first: a framer that over-counts fails here.
    expect(result.delivered).toBeLessThanOrEqual(result.detail.sent!);
    expect(result.detail.disconnected).toBe(0);
  });
});
