// The production build pointed at a local stand-in for the model host, shared by the specs that need it
// (egress-host.spec.ts, models.spec.ts): built once per test worker into dist-egress/ (dist-egress-N/ for the N-th
// parallel worker), with ports derived from this checkout's E2E port (the build must know the stand-in's origin: it
// goes into the CSP and the fetch guard).
import { execFileSync } from 'node:child_process';

// Each Playwright worker gets its own folder and ports, so two workers never build or serve over each other.
const SLOT = Number(process.env.TEST_PARALLEL_INDEX ?? 0);
export const EGRESS_OUT_DIR = SLOT === 0 ? 'dist-egress' : `dist-egress-${SLOT}`;
const E2E_PORT = Number(process.env.E2E_PORT ?? 4317);
/** Ports Chromium refuses to fetch from (net/base/port_util.cc): a stand-in there fails with "Failed to fetch". */
const CHROMIUM_BLOCKED = new Set([5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080]);
const usable = (port: number): number => (CHROMIUM_BLOCKED.has(port) ? usable(port + 2) : port);
export const EGRESS_APP_PORT = usable(E2E_PORT + 1000 + 10 * SLOT);
export const EGRESS_HUB_PORT = usable(E2E_PORT + 1001 + 10 * SLOT);
export const EGRESS_HUB_ORIGIN = `http://127.0.0.1:${EGRESS_HUB_PORT}`;

let built = false;

/** Builds dist-egress once per worker (E2E_EGRESS_PREBUILT=1 skips it, for reruns). */
export function buildEgressApp(): void {
  if (built || process.env.E2E_EGRESS_PREBUILT === '1') return;
  const env: NodeJS.ProcessEnv = { ...process.env, VITE_TROVE_MODEL_HOST: EGRESS_HUB_ORIGIN };
  delete env.VITE_TROVE_MODEL; // the production configuration: no offline fixture defaults
  execFileSync('npx', ['vite', 'build', '--outDir', EGRESS_OUT_DIR, '--emptyOutDir', '--logLevel', 'warn'], {
    env,
    stdio: 'inherit',
  });
  built = true;
}
