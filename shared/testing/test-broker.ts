import { Broker } from '../broker/broker.ts';
import type { BrokerOptions } from '../broker/broker-options.ts';
import { createFakeEnvironment, type FakeEnvironment } from './fake-environment.ts';

/** A broker on a fake environment, for in-memory protocol tests. */
export function createTestBroker(options: Partial<BrokerOptions> = {}): {
  broker: Broker;
  env: FakeEnvironment;
} {
  const env = createFakeEnvironment();
  const broker = new Broker({ ...options, env });
  return { broker, env };
}
