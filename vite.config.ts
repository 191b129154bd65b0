import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const repoRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  // The dashboard's index.html lives in web/; `vite build` writes dist/web, which the server serves.
  root: fileURLToPath(new URL('./web', import.meta.url)),
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
  },
  test: {
    root: repoRoot,
    include: ['shared/**/*.test.ts', 'server/**/*.test.ts', 'web/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 15_000,
    hookTimeout: 15_000,
    // Integration tests spawn brokers and mosquitto clients; two cores are all this machine has.
    maxWorkers: 2,
  },
});
