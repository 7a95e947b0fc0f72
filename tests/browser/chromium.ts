import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { createServer, type ViteDevServer } from 'vite';
import { describe, it } from 'vitest';

/** Flags for Debian Chromium under playwright-core (notes/platform.md); never `npx playwright install`. */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--enable-unsafe-webgpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The Chromium binary: `$LLMAP_CHROMIUM` when set, else `command -v chromium`; null when neither is found. */
export function findChromium(): string | null {
  const fromEnv = process.env.LLMAP_CHROMIUM;
  if (fromEnv !== undefined && fromEnv !== '') return existsSync(fromEnv) ? fromEnv : null;
  try {
    const found = execFileSync('/bin/sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
    return found !== '' && existsSync(found) ? found : null;
  } catch {
    return null;
  }
}

export const MISSING_CHROMIUM_MESSAGE =
  'Chromium was not found (set LLMAP_CHROMIUM or put `chromium` on PATH). ' +
  'Install it with `apt-get install -y chromium`; never `npx playwright install`.';

/**
 * `describe(title, body)` when Chromium is present. Without it the suite is one test that fails in CI (CI installs
 * Chromium, so its absence there is a broken setup) and is skipped, with the install instruction, elsewhere.
 */
export function describeInChromium(title: string, body: (executablePath: string) => void): void {
  const executablePath = findChromium();
  if (executablePath !== null) {
    describe(title, () => body(executablePath));
    return;
  }
  const runningInCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
  describe(title, () => {
    it('needs Debian Chromium', (context) => {
      if (runningInCi) throw new Error(MISSING_CHROMIUM_MESSAGE);
      console.warn(`Skipping the browser tests: ${MISSING_CHROMIUM_MESSAGE}`);
      context.skip(MISSING_CHROMIUM_MESSAGE);
    });
  });
}

/**
 * A Vite dev server over the repository on a free port of 127.0.0.1 (no file watching). d3 is pre-bundled at start:
 * a dependency discovered mid-run makes Vite reload the open pages.
 */
export async function startDevServer(repoRoot: string): Promise<{ server: ViteDevServer; origin: string }> {
  const server = await createServer({
    root: repoRoot,
    configFile: resolve(repoRoot, 'vite.config.ts'),
    logLevel: 'warn',
    clearScreen: false,
    server: { host: '127.0.0.1', port: 0, strictPort: true, watch: null },
    optimizeDeps: { include: ['d3'] },
  });
  await server.listen();
  const address = server.httpServer?.address() as AddressInfo | null;
  if (address === null || address === undefined) throw new Error('The Vite dev server did not report a port.');
  return { server, origin: `http://127.0.0.1:${address.port}` };
}
