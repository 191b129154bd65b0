// Child process entry: IoTHub as the bench runs it (`node --import tsx bench/brokers/iothub.ts`).
import { createLogger } from '../../server/logging/create-logger.ts';
import { startServer } from '../../server/start-server.ts';
import { announceReady, exitOnTerminate } from './child-protocol.ts';
import { benchIothubConfig } from './iothub-config.ts';

const config = benchIothubConfig(0);
const server = await startServer(config, createLogger(config.log));
exitOnTerminate();
announceReady(server.listeners[0]!.port);
