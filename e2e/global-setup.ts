// @ts-expect-error -- a plain .mjs script shared with `npm start`; it has no type declarations.
import { ensureWebBuild } from '../scripts/ensure-web-build.mjs';

/** The specs test the dashboard as `npm start` serves it: the built bundle in dist/web. */
export default function globalSetup(): void {
  ensureWebBuild();
}
