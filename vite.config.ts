import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { playwright } from '@vitest/browser-playwright';
import { configDefaults, defineConfig } from 'vitest/config';
import { chromiumLaunchOptions } from './e2e/chromium-launch.ts';

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
    testTimeout: 15_000,
    hookTimeout: 15_000,
    // Integration tests spawn brokers and mosquitto clients; two cores are all this machine has.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['shared/**/*.test.ts', 'server/**/*.test.ts', 'web/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: [...configDefaults.exclude, '**/*.browser.test.ts'],
        },
      },
      {
        // `*.browser.test.ts` run in Debian's Chromium: the in-tab broker, its socket and IndexedDB.
        extends: true,
        test: {
          name: 'browser',
          include: ['web/**/*.browser.test.ts'],
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: chromiumLaunchOptions }),
            instances: [{ browser: 'chromium' }],
            screenshotDirectory: 'test-results/vitest-browser',
          },
          // Failure screenshots are attached to the report; keep them with the other test output.
          attachmentsDir: 'test-results/vitest-attachments',
        },
      },
    ],
  },
});
