import { webcrypto } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { build, type Plugin, type Rolldown } from 'vite';
import { describe, expect, it } from 'vitest';

/**
 * Fails the build on any import of a Node built-in, naming the importer. A bare name such as
 * "buffer" or "process/" is fine when an npm package of that name (a browser polyfill) resolves.
 */
const rejectNodeBuiltins: Plugin = {
  name: 'reject-node-builtins',
  enforce: 'pre',
  async resolveId(id, importer) {
    const name = id.split('/')[0]!;
    const builtin = id.startsWith('node:') || builtinModules.includes(name);
    if (!builtin) return null;
    const polyfill = id.startsWith('node:') ? null : await this.resolve(id, importer, { skipSelf: true });
    if (!polyfill || polyfill.external)
      this.error(`Node built-in "${id}" imported by ${importer ?? 'the entry'}`);
    return polyfill;
  },
};

async function bundle(entry: string): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    plugins: [rejectNodeBuiltins],
    build: {
      write: false,
      minify: false,
      lib: { entry, formats: ['iife'], name: 'IoTHubCore', fileName: 'core' },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const chunk = outputs[0]!.output.find((item) => item.type === 'chunk');
  return (chunk as Rolldown.OutputChunk).code;
}

describe('shared/ bundles for the browser', () => {
  it('builds shared/index.ts with no Node built-in and runs it without Node globals', async () => {
    const code = await bundle('shared/index.ts');
    // A context with Web platform globals only: no process, Buffer, require or global.
    const context: Record<string, unknown> = {
      AbortController,
      AbortSignal,
      EventTarget,
      Event,
      TextDecoder,
      TextEncoder,
      queueMicrotask,
      console,
      setTimeout,
      clearTimeout,
      crypto: globalThis.crypto,
    };
    context.self = context;
    runInNewContext(`${code}\nthis.IoTHubCore = IoTHubCore;`, context);
    const core = context.IoTHubCore as typeof import('./index.ts');
    const env = core.createStandardEnvironment({
      setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
      clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
      getRandomValues: (array) => webcrypto.getRandomValues(array),
    });
    const broker = core.createBroker({ env });
    const client = core.connectInMemory(broker);
    const received = new Promise<Uint8Array>((resolve) => client.onData(resolve));
    // CONNECT, MQTT 3.1.1, clean session, keepalive 0, client id "b".
    client.write(Uint8Array.from([0x10, 13, 0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 2, 0, 0, 0, 1, 0x62]));
    expect([...(await received)]).toEqual([0x20, 2, 0, 0]);
    client.close();
  });

  it('fails the build when shared code imports a Node built-in', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'iothub-bundle-'));
    try {
      const entry = join(dir, 'uses-net.ts');
      await writeFile(entry, 'import { connect } from "node:net";\nexport { connect };\n');
      await expect(bundle(entry)).rejects.toThrow(/Node built-in "node:net"/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
