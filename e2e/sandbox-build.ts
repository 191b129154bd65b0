import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Where `npm run build:sandbox` writes the in-tab broker library. */
export const sandboxBuild = {
  esm: 'dist/sandbox/iothub-sandbox.js',
  iife: 'dist/sandbox/iothub-sandbox.iife.js',
};

const sources = ['web/sandbox', 'shared', 'vite.sandbox.config.ts', 'package.json', 'package-lock.json'];

/** Builds the library the sandbox specs load into their pages (about two seconds) when it is missing
 * or older than its sources, so they always test what the current sources build. */
export async function ensureSandboxBuild(): Promise<void> {
  const built = Math.min(...Object.values(sandboxBuild).map((path) => mtime(join(root, path))));
  const changed = Math.max(...sources.map((source) => newestMtime(join(root, source))));
  if (built >= changed) return;
  await build({ configFile: join(root, 'vite.sandbox.config.ts'), logLevel: 'warn' });
}

function mtime(path: string): number {
  return statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0;
}

function newestMtime(path: string): number {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats) return 0;
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry.endsWith('.test.ts')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}
