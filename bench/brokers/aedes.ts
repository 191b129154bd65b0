// Child process entry: Aedes with its in-memory persistence (`node --import tsx bench/brokers/aedes.ts`).
import { type AddressInfo, createServer } from 'node:net';
import { Aedes } from 'aedes';
import { benchLimits } from './bench-limits.ts';
import { announceReady, exitOnTerminate } from './child-protocol.ts';

const broker = await Aedes.createBroker({ queueLimit: benchLimits.maxQueuedMessages });
// No Nagle, as IoTHub and Mosquitto (set_tcp_nodelay) run: otherwise latency compares Nagle timers.
const server = createServer({ noDelay: true }, broker.handle);
server.listen(0, '127.0.0.1', () => {
  exitOnTerminate();
  announceReady((server.address() as AddressInfo).port);
});
