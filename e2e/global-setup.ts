// @ts-expect-error -- a plain .mjs script shared with `npm start`; it has no type declarations.
import { ensureWebBuild } from '../scripts/ensure-web-build.mjs';
import { ensureSandboxBuild } from './sandbox-build.ts';

/** The specs test the dashboard as `npm start` serves it: the built bundle in dist/web; and the
 * in-tab broker as other people's pages load it: dist/sandbox. */
export default async function globalSetup(): Promise<void> {
  ensureWebBuild();
  await ensureSandboxBuild();
}
