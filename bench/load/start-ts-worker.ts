import { Worker } from 'node:worker_threads';

/**
 * A worker thread running a TypeScript module. The tsx loader the main thread runs under does not
 * reach workers on Node 20, so the worker loads the module through tsx's API (`tsImport`).
 */
export function startTsWorker(moduleUrl: URL, workerData: unknown): Worker {
  const api = import.meta.resolve('tsx/esm/api');
  const url = JSON.stringify(moduleUrl.href);
  const code = `import(${JSON.stringify(api)}).then((tsx) => tsx.tsImport(${url}, ${url}))`;
  return new Worker(code, { eval: true, workerData });
}
