import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './e2e/chromium-launch.ts';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  // Playwright empties its output folder on start; the specs' screenshots live beside it.
  outputDir: 'test-results/artifacts',
  globalSetup: './e2e/global-setup.ts',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  // Two cores: each worker runs a browser and its own broker.
  workers: 2,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  use: {
    viewport: { width: 1280, height: 800 },
    // The dashboard follows the system theme; the specs look at the dark one, and one light view.
    colorScheme: 'dark',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: chromiumLaunchOptions,
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
