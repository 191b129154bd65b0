import { webcrypto } from 'node:crypto';
import { type BrokerEnvironment, createStandardEnvironment, type Logger } from '../shared/index.ts';

/** The core's environment on Node: real timers that do not keep the process alive on their own. */
export function createNodeEnvironment(logger: Logger): BrokerEnvironment {
  return createStandardEnvironment(
    {
      setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
      clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
      getRandomValues: (array) => webcrypto.getRandomValues(array),
    },
    logger,
  );
}
