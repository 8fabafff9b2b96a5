import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { api, type Credentials } from './api.js';
import { watchErrors } from './browser.js';
import { gone, item, selectedCount } from './pages.js';
import { signedInBeforeEach, type SignedInTest } from './setup.js';

const PHONE = { width: 390, height: 844 };

let e2e: SignedInTest['e2e'];
let context: BrowserContext;
let desktop: Page;
let credentials: Credentials;
signedInBeforeEach((test) => {
  ({ e2e, context, page: desktop, credentials } = test);
});

let phone: BrowserContext | undefined;
let phoneErrors: string[] = [];
afterEach(async () => {
  await phone?.close();
  phone = undefined;
  expect(phoneErrors).toEqual([]);
  phoneErrors = [];
});

/** The test's user signed in on a phone (390 × 844) or another touch screen. */
async function signInOnPhone(viewport = PHONE): Promise<Page> {
  phone = await e2e.newContext({ viewport, isMobile: true, hasTouch: true });
  const login = await phone.request.post('/api/auth/login', { data: { email: credentials.email, password: credentials.password } });
  expect(login.status()).toBe(200);
  const page = await phone.newPage();
  phoneErrors = watchErrors(page);
  return page;
}

/** The element's box, which must be rendered. */
async function box(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  const found = await locator.boundingBox();
  if (!found) {
    throw new Error(`no box for ${locator.toString()}`);
  }
  return found;
}

/** Fails unless the element lies fully inside the phone's screen. */
async function expectOnScreen(locator: Locator): Promise<void> {
  const { x, y, width, height } = await box(locator);
  expect(x, `${locator.toString()} starts left of the screen`).toBeGreaterThanOrEqual(0);
  expect(y, `${locator.toString()} starts above the screen`).toBeGreaterThanOrEqual(0);
  expect(x + width, `${locator.toString()} ends right of the screen`).toBeLessThanOrEqual(PHONE.width);
  expect(y + height, `${locator.toString()} ends below the screen`).toBeLessThanOrEqual(PHONE.height);
}

describe('phone layout', () => {
  it('keeps every button of the selection bar and the close buttons of dialogs on screen', async () => {
    await api(context).upload('report.txt', 'numbers');
    const page = await signInOnPhone();
    await page.goto('/');
    await item(page, 'report.txt').locator('.row-check').tap();
    const bar = page.getByRole('toolbar', { name: 'Selected items' });
    await selectedCount(page).filter({ hasText: '1 selected' }).waitFor();
    const buttons = await bar.getByRole('button').all();
    // Clear, Download, Share link, Rename, Move to, Move to trash and More actions.
    expect(buttons.length).toBe(7);
    for (const button of buttons) {
      await expectOnScreen(button);
    }

    await bar.getByRole('button', { name: 'More actions' }).tap();
    await expectOnScreen(page.getByRole('menu'));
    await page.getByRole('menuitem', { name: 'Share link…' }).tap();
    const share = page.getByRole('dialog', { name: 'Share “report.txt”' });
    await share.waitFor();
    await expectOnScreen(share.getByRole('button', { name: 'Close' }));
    await share.getByRole('button', { name: 'Close' }).tap();
    await gone(share);

    await bar.getByRole('button', { name: 'Rename' }).tap();
    const rename = page.getByRole('dialog', { name: 'Rename file' });
    await expectOnScreen(rename.getByRole('button', { name: 'Close' }));
    await rename.getByRole('button', { name: 'Close' }).tap();
    await gone(rename);
  });

  it('moves the keyboard into the navigation drawer, keeps it there, and back to the menu button on Escape', async () => {
    const page = await signInOnPhone();
    await page.goto('/');
    const menu = page.getByRole('button', { name: 'Open navigation' });
    await menu.focus();
    await page.keyboard.press('Enter');
    const inSidebar = () => page.evaluate("Boolean(document.activeElement?.closest('#sidebar'))");
    await expect.poll(inSidebar).toBe(true);
    // Tab goes through the drawer, never to the page behind it.
    for (let i = 0; i < 12; i += 1) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate("Boolean(document.activeElement?.closest('.app-column'))")).toBe(false);
    }
    await page.keyboard.press('Escape');
    await expect.poll(() => page.evaluate("document.activeElement?.getAttribute('aria-label')")).toBe('Open navigation');
  });

  it('folds the search filters behind a Filters button, and searches with them', async () => {
    const client = api(context);
    await client.upload('invoice-march.pdf', '%PDF-1.4 march');
    await client.upload('invoice-april.txt', 'april');
    const page = await signInOnPhone();
    await page.goto('/search?q=invoice');
    await page.getByRole('status').getByText('2 results').waitFor();
    const filters = page.getByRole('form', { name: 'Search filters' });
    const toggle = filters.getByRole('button', { name: /^Filters/ });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await filters.getByLabel('Extensions').isHidden()).toBe(true);
    expect(await filters.getByLabel('Min size (MB)').isHidden()).toBe(true);
    await expectOnScreen(filters.getByRole('button', { name: 'Save search' }));
    // The name, the buttons and no more: a quarter of the screen at most.
    expect((await box(filters)).height).toBeLessThan(PHONE.height / 4);

    await toggle.tap();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await filters.getByLabel('Extensions').fill('pdf');
    expect(await filters.getByLabel('Max size (MB)').isVisible()).toBe(true);
    await filters.getByRole('button', { name: 'Search', exact: true }).tap();
    await page.getByRole('status').getByText('1 result').waitFor();
    await gone(item(page, 'invoice-april.txt'));
    expect(new URL(page.url()).searchParams.get('types')).toBe('pdf');

    // Folded again, the button still says a filter is set.
    await toggle.tap();
    expect(await filters.getByLabel('Extensions').isHidden()).toBe(true);
    expect(await toggle.textContent()).toBe('Filters (1)');
  });

  it('shows every search filter on a wide screen in two rows, without the Filters button', async () => {
    await desktop.goto('/search');
    const filters = desktop.getByRole('form', { name: 'Search filters' });
    await filters.getByLabel('Extensions').waitFor();
    expect(await filters.getByLabel('Added until').isVisible()).toBe(true);
    expect(await filters.getByRole('button', { name: /^Filters/ }).isHidden()).toBe(true);
    // Compact above the results: every field on one line, the type chips and buttons on the next.
    const top = async (label: string) => (await box(filters.getByLabel(label))).y;
    const first = await top('Name contains');
    for (const label of ['Extensions', 'Min size (MB)', 'Max size (MB)', 'Added from', 'Added until']) {
      expect(Math.abs((await top(label)) - first), label).toBeLessThan(4);
    }
    expect((await box(filters)).height).toBeLessThan(160);
  });

  it('lays the search filters out evenly at every width between a phone and the one-line layout', async () => {
    await desktop.goto('/search');
    const filters = desktop.getByRole('form', { name: 'Search filters' });
    await filters.getByLabel('Extensions').waitFor();
    const top = async (label: string) => Math.round((await box(filters.getByLabel(label))).y);
    for (const width of [641, 655, 700, 800, 880, 900, 915, 1000, 1100, 1179]) {
      await desktop.setViewportSize({ width, height: 900 });
      // Sizes and dates: four on a line, or two pairs; never three and one left alone.
      const [min, max, from, until] = await Promise.all(['Min size (MB)', 'Max size (MB)', 'Added from', 'Added until'].map(top));
      expect(max, `${width} px: Max size beside Min size`).toBe(min);
      expect(until, `${width} px: Added until beside Added from`).toBe(from);
      const height = (await box(filters)).height;
      expect(height, `${width} px: form height`).toBeLessThan(300);
    }
  });

  it('gives the check box of an item a target a finger can tap, in the list and the grid', async () => {
    await api(context).upload('report.txt', 'numbers');
    const page = await signInOnPhone();
    await page.goto('/');
    const check = item(page, 'report.txt').locator('.row-check');
    const { width, height } = await box(check);
    expect(width).toBeGreaterThanOrEqual(32);
    expect(height).toBeGreaterThanOrEqual(32);
    await check.tap();
    await selectedCount(page).filter({ hasText: '1 selected' }).waitFor();
    expect(await item(page, 'report.txt').getAttribute('aria-selected')).toBe('true');
    // A tap on the box selects; it does not open the file as a tap on the row would.
    expect(await page.getByRole('dialog').count()).toBe(0);
    await check.tap();
    await gone(selectedCount(page));
    expect(await item(page, 'report.txt').getAttribute('aria-selected')).toBe('false');

    await page.getByRole('button', { name: 'Grid view' }).tap();
    const tileCheck = item(page, 'report.txt').locator('.row-check');
    await tileCheck.waitFor();
    expect((await box(tileCheck)).width).toBeGreaterThanOrEqual(32);
    await tileCheck.tap();
    await selectedCount(page).filter({ hasText: '1 selected' }).waitFor();
  });

  it('opens an item\'s menu from its ⋮ without selecting it, so the next tap still opens a file', async () => {
    await api(context).upload('report.txt', 'numbers');
    await api(context).upload('notes.txt', 'notes');
    const page = await signInOnPhone();
    await page.goto('/');
    await item(page, 'report.txt').locator('.row-more').tap();
    await page.getByRole('menuitem', { name: 'Rename' }).waitFor();
    await page.keyboard.press('Escape');
    await gone(page.getByRole('menu'));
    expect(await selectedCount(page).count()).toBe(0);
    await item(page, 'notes.txt').tap();
    await page.getByRole('dialog', { name: 'notes.txt' }).waitFor();
  });

  it('shows the check boxes on a touch tablet wider than a phone, where nothing hovers', async () => {
    await api(context).upload('plan.txt', 'plan');
    const page = await signInOnPhone({ width: 1024, height: 768 });
    await page.goto('/');
    const check = item(page, 'plan.txt').locator('.row-check');
    await check.waitFor();
    // Browser-side snippets are strings: tests are type-checked without the DOM library.
    const opacity = () =>
      page.evaluate<string>(`getComputedStyle(document.querySelector('[role="option"][aria-label^="plan.txt,"] .row-check')).opacity`);
    await expect.poll(opacity).toBe('1');
    await check.tap();
    await selectedCount(page).filter({ hasText: '1 selected' }).waitFor();
  });

  it("closes the trash's and the shared links' questions with the back gesture, staying on the page", async () => {
    const client = api(context);
    const file = await client.upload('phone.txt', 'phone');
    await client.share(file.id);
    await client.trash((await client.upload('gone.txt', 'gone')).id);
    const page = await signInOnPhone();
    await page.goto('/trash');
    await item(page, 'gone.txt').waitFor();
    await page.getByRole('button', { name: 'Empty trash' }).tap();
    const empty = page.getByRole('dialog', { name: 'Empty the trash?' });
    await empty.waitFor();
    await page.goBack();
    await gone(empty);
    expect(new URL(page.url()).pathname).toBe('/trash');

    await page.goto('/shared');
    await page.locator('.shared-item').getByRole('button', { name: /^Revoke/ }).tap();
    const revoke = page.getByRole('dialog', { name: 'Revoke this link?' });
    await revoke.waitFor();
    await page.goBack();
    await gone(revoke);
    expect(new URL(page.url()).pathname).toBe('/shared');
    await page.locator('.shared-item').waitFor();
  });
});
