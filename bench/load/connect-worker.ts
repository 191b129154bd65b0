// Worker entry: opens its share of the idle connections when told to, holds them, closes them.
import { parentPort, workerData } from 'node:worker_threads';
import { type BenchClient, closeAll, openClients } from './bench-client.ts';
import type { ConnectCommand, ConnectReport, ConnectWorkerData } from './connect-messages.ts';

const port = parentPort!;
const data = workerData as ConnectWorkerData;
let clients: BenchClient[] = [];

const report = (message: ConnectReport): void => port.postMessage(message);

port.on('message', (command: ConnectCommand) => {
  if (command.type === 'connect') {
    openClients(data.target, data.clientIds, data.concurrency).then(
      (opened) => {
        clients = opened;
        report({ type: 'connected', count: opened.length });
      },
      (error: unknown) => report({ type: 'failed', message: (error as Error).message }),
    );
  } else {
    closeAll(clients);
    port.close();
  }
});
report({ type: 'ready' });
