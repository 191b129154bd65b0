import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** `npm run build:sandbox`: the in-tab broker as one self-contained file (the core, `mqtt` and their
 * polyfills inside) for other people's pages and browser tests. ESM for `import`, IIFE for
 * `<script>` / Playwright's `page.addScriptTag`, where it defines `window.IoTHubSandbox`. */
export default defineConfig({
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('./dist/sandbox', import.meta.url)),
    // Fixed file names, overwritten in place: no moment without them for a test run reading them.
    emptyOutDir: false,
    sourcemap: true,
    lib: {
      entry: fileURLToPath(new URL('./web/sandbox/index.ts', import.meta.url)),
      name: 'IoTHubSandbox',
      formats: ['es', 'iife'],
      fileName: (format) => (format === 'es' ? 'iothub-sandbox.js' : 'iothub-sandbox.iife.js'),
    },
  },
});
