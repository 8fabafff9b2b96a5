import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { inject } from 'vitest';

/** Debian's Chromium; never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface E2E {
  browser: Browser;
  baseURL: string;
  /** A fresh context (its own cookies) on the test server. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  close(): Promise<void>;
}

/**
 * Launches Chromium with an empty profile, its contexts on the run's server (or on `baseURL`).
 * Playwright gives every launch a fresh temporary user-data-dir; the TMPDIR below keeps it (and
 * downloads) inside a directory removed at the end.
 */
export async function launch(baseURL = inject('baseURL')): Promise<E2E> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'fileflow-chromium-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    downloadsPath: path.join(scratch, 'downloads'),
    env: { ...process.env, TMPDIR: scratch },
  });
  return {
    browser,
    baseURL,
    newContext: (options = {}) =>
      browser.newContext({ baseURL, viewport: { width: 1280, height: 800 }, acceptDownloads: true, ...options }),
    async close() {
      await browser.close();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

/** Collects errors the page logs or throws, so a test can assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) {
      errors.push(`console: ${message.text()}`);
    }
  });
  return errors;
}
