import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { api, type Credentials } from './api.js';
import { launch, watchErrors, type E2E } from './browser.js';

/** What each test of a signed-in spec starts with. */
export interface SignedInTest {
  e2e: E2E;
  /** A fresh context (its own cookies) of a newly registered user. */
  context: BrowserContext;
  /** A page in that context; errors it logs or throws fail the test. */
  page: Page;
  credentials: Credentials;
}

/**
 * Registers the hooks of a spec whose tests each start signed in: one browser for the file, and
 * before every test a new user in a fresh context with a page, handed to `ready`.
 */
export function signedInBeforeEach(ready: (test: SignedInTest) => void): void {
  let e2e: E2E;
  let context: BrowserContext | undefined;
  beforeAll(async () => {
    e2e = await launch();
  });
  afterAll(async () => {
    await e2e.close();
  });
  beforeEach(async () => {
    await context?.close();
    context = await e2e.newContext();
    const credentials = await api(context).register();
    const page = await context.newPage();
    const errors = watchErrors(page);
    ready({ e2e, context, page, credentials });
    return () => {
      expect(errors).toEqual([]);
    };
  });
}
