import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

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
