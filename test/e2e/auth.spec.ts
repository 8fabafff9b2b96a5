import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, newCredentials, type Credentials } from './api.js';
import { launch, watchErrors, type E2E } from './browser.js';
import { item } from './pages.js';
import { startServer } from './server.js';

let e2e: E2E;
beforeAll(async () => {
  e2e = await launch();
});
afterAll(async () => {
  await e2e.close();
});

async function fillLogin(page: Page, credentials: Credentials, remember: boolean): Promise<void> {
  await page.getByLabel('Email').fill(credentials.email);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByLabel('Remember me for 30 days').setChecked(remember);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function sessionCookie(page: Page) {
  return (await page.context().cookies()).find((cookie) => cookie.name === 'ff_session');
}

describe('sign-up, sign-in, sign-out', () => {
  it('registers a new account and lands in an empty home folder with a storage meter', async () => {
    const context = await e2e.newContext();
    const page = await context.newPage();
    const errors = watchErrors(page);
    const credentials = newCredentials();
    await page.goto('/register');
    await page.getByLabel('Username').fill(credentials.username);
    await page.getByLabel('Email').fill(credentials.email);
    await page.getByLabel('Password', { exact: true }).fill(credentials.password);
    await page.getByLabel('Repeat password').fill(credentials.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByRole('heading', { name: 'This folder is empty' }).waitFor();
    await expect(page.getByRole('meter', { name: 'Storage used' }).getAttribute('aria-valuetext')).resolves.toMatch(
      /^0 B of 8\.00 MB used$/,
    );
    expect(errors).toEqual([]);
    await context.close();
  });

  it('opens signed out without a failed request or an error in the console', async () => {
    const context = await e2e.newContext();
    const page = await context.newPage();
    // Everything, "Failed to load resource" (a 401 answer) included, which watchErrors lets pass.
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') {
        problems.push(message.text());
      }
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('response', (response) => {
      if (response.status() >= 400) {
        problems.push(`${response.status()} ${response.url()}`);
      }
    });
    await page.goto('/');
    await page.waitForURL((url) => url.pathname === '/login');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('refuses a wrong password with a clear message', async () => {
    const context = await e2e.newContext();
    const credentials = await api(context).register();
    await context.clearCookies();
    const page = await context.newPage();
    await page.goto('/login');
    await fillLogin(page, { ...credentials, password: 'not the password' }, false);
    await page.getByRole('alert').getByText('That email and password do not match an account.').waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    await context.close();
  });

  it('signs out, sends a signed-out visitor to the sign-in page and back to where they were going', async () => {
    const context = await e2e.newContext();
    const credentials = await api(context).register();
    const page = await context.newPage();
    await page.goto('/');
    await page.getByRole('button', { name: `Account: ${credentials.username}` }).click();
    await page.getByRole('menuitem', { name: `Sign out ${credentials.username}` }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    expect(await sessionCookie(page)).toBeUndefined();

    await page.goto('/trash');
    await page.waitForURL((url) => url.pathname === '/login' && url.searchParams.get('next') === '/trash');
    await fillLogin(page, credentials, true);
    await page.waitForURL((url) => url.pathname === '/trash');
    await page.getByRole('heading', { name: 'Trash', exact: true }).waitFor();
    await context.close();
  });

  it('says so when the session was ended elsewhere while the page was open', async () => {
    const context = await e2e.newContext();
    const credentials = await api(context).register();
    const page = await context.newPage();
    await page.goto('/');
    await page.getByRole('heading', { name: 'This folder is empty' }).waitFor();
    // Another browser signs every other session out.
    const other = await e2e.newContext();
    expect(
      (await other.request.post('/api/auth/login', { data: { email: credentials.email, password: credentials.password } })).status(),
    ).toBe(200);
    expect((await other.request.delete('/api/sessions')).status()).toBe(204);
    await page.getByRole('link', { name: 'Trash' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    await page.getByRole('status').getByText('You were signed out').waitFor();
    await fillLogin(page, credentials, false);
    await page.waitForURL((url) => url.pathname === '/trash');
    await other.close();
    await context.close();
  });

  it('goes to sign-in when a Download finds the session ended elsewhere, instead of a toast of the refusal', async () => {
    const context = await e2e.newContext();
    const credentials = await api(context).register();
    await api(context).upload('memo.txt', 'the memo');
    const page = await context.newPage();
    await page.goto('/');
    await item(page, 'memo.txt').waitFor();
    const other = await e2e.newContext();
    expect(
      (await other.request.post('/api/auth/login', { data: { email: credentials.email, password: credentials.password } })).status(),
    ).toBe(200);
    expect((await other.request.delete('/api/sessions')).status()).toBe(204);
    const downloads: string[] = [];
    page.on('download', (each) => downloads.push(each.suggestedFilename()));
    await item(page, 'memo.txt').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Download', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    await page.getByRole('status').getByText('You were signed out').waitFor();
    expect(downloads).toEqual([]);
    await other.close();
    await context.close();
  });

  it('goes on to where it was going by itself when the server answers only after the page opened', async () => {
    const context = await e2e.newContext();
    await api(context).register();
    const folder = await api(context).folder('Waiting');
    const page = await context.newPage();
    // The page loads, but the server does not answer its API (the health check included).
    await page.route('**/api/**', (route) => route.abort());
    await page.goto(`/folders/${folder.id}`);
    await page.waitForURL((url) => url.pathname === '/login');
    // The sign-in page says why it is shown, instead of a form that looks signed out.
    await page.locator('.connection-notice').getByText('Cannot reach the server. Retrying…').waitFor();
    await page.unroute('**/api/**');
    // Still signed in: on to the folder, without signing in again.
    await page.waitForURL((url) => url.pathname === `/folders/${folder.id}`, { timeout: 10_000 });
    await page.getByRole('heading', { name: 'This folder is empty' }).waitFor();
    await context.close();
  });

  it('keeps a remembered session for 30 days and a plain one only for the browser session', async () => {
    const context = await e2e.newContext();
    const credentials = await api(context).register();
    await context.clearCookies();
    const page = await context.newPage();

    await page.goto('/login');
    await fillLogin(page, credentials, true);
    await page.waitForURL((url) => url.pathname === '/');
    const remembered = await sessionCookie(page);
    expect(remembered?.expires ?? -1).toBeGreaterThan(Date.now() / 1000 + 29 * 24 * 3600);

    await context.clearCookies();
    await page.goto('/login');
    await fillLogin(page, credentials, false);
    await page.waitForURL((url) => url.pathname === '/');
    expect((await sessionCookie(page))?.expires).toBe(-1);
    await context.close();
  });

  it('ignores a ?next= that points to another site', async () => {
    const context = await e2e.newContext();
    const credentials = await api(context).register();
    await context.clearCookies();
    const page = await context.newPage();
    await page.goto('/login?next=//evil.example/steal');
    await fillLogin(page, credentials, false);
    await page.waitForURL((url) => url.pathname === '/');
    expect(new URL(page.url()).host).toBe(new URL(e2e.baseURL).host);
    await context.close();
  });
});

describe('sign-up closed by the operator', () => {
  it('offers no sign-up on the sign-in page and says why at /register', async () => {
    const closed = await startServer({ FILEFLOW_REGISTRATION: 'closed' });
    const browser = await launch(closed.baseURL);
    try {
      const page = await (await browser.newContext()).newPage();
      const errors = watchErrors(page);
      await page.goto('/login');
      await page.getByText('New accounts are made by the operator of this server.').waitFor();
      expect(await page.getByRole('link', { name: 'Create an account' }).count()).toBe(0);
      await page.goto('/register');
      await page.getByRole('heading', { name: 'Sign-up is closed' }).waitFor();
      await page.getByText('This server does not let anyone create an account. Ask its operator for one.').waitFor();
      expect(await page.getByRole('button', { name: 'Create account' }).count()).toBe(0);
      expect(await page.title()).toBe('Sign-up is closed · FileFlow');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await closed.stop();
    }
  });
});
