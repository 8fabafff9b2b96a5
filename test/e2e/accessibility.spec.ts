import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { api } from './api.js';
import { item } from './pages.js';
import { signedInBeforeEach, type SignedInTest } from './setup.js';

let context: BrowserContext;
let page: Page;
let e2e: SignedInTest['e2e'];
signedInBeforeEach((test) => {
  ({ context, page, e2e } = test);
});

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * What axe-core finds on the page as it is now, against WCAG 2.1 A and AA and axe's best
 * practices, one line per rule. One rule is off: label-content-name-mismatch (experimental in
 * axe) takes all of an item's visible text for its label. An item's name is its visible label,
 * and its accessible name starts with it ("report.txt, 6 B"), which is what WCAG 2.5.3 asks:
 * the size and date beside it are not part of its label.
 */
async function violations(on: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the app's Content-Security-Policy refuses inline scripts.
  await on.evaluate(await axeSource);
  const found = await on.evaluate<Violation[]>(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, rules: { 'label-content-name-mismatch': { enabled: false } } }).then((r) => r.violations)`,
  );
  return found.map((v) => `${v.impact}: ${v.id} (${v.help}) at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

describe('accessibility (axe-core, WCAG 2.1 AA)', () => {
  it('finds nothing on the signed-in pages, in the list and the grid, with a dialog open', async () => {
    const client = api(context);
    const docs = await client.folder('Docs');
    const file = await client.upload('report.txt', 'report', docs.id);
    await client.upload('photo.txt', 'photo');
    await client.patch(file.id, { favorite: true });
    await client.share(file.id);
    await client.trash((await client.upload('old.txt', 'old')).id);
    const found: Record<string, string[]> = {};
    const scan = async (label: string) => {
      found[label] = await violations(page);
    };

    await page.goto('/');
    await item(page, 'Docs').waitFor();
    await item(page, 'photo.txt').click();
    await scan('files, list, one selected');
    await page.getByRole('button', { name: 'Grid' }).click();
    await scan('files, grid');
    await page.getByRole('button', { name: 'List' }).click();
    await item(page, 'Docs').dblclick();
    await item(page, 'report.txt').waitFor();
    await scan('folder');
    await item(page, 'report.txt').dblclick();
    await page.getByRole('dialog').locator('pre').waitFor();
    await scan('preview');
    await page.keyboard.press('Escape');
    await item(page, 'report.txt').click({ button: 'right' });
    await page.getByRole('menu').waitFor();
    await scan('context menu');
    await page.getByRole('menuitem', { name: 'Share link…' }).click();
    await page.getByRole('dialog', { name: /Share/ }).waitFor();
    await scan('share dialog');
    await page.keyboard.press('Escape');
    // The page steps back off the dialog's history entry just after it closes: a navigation
    // racing that step was sometimes aborted.
    await expect.poll(() => page.evaluate('history.state?.fileflowOverlay === undefined')).toBe(true);
    for (const [path, ready] of [
      ['/search?q=report', () => item(page, 'report.txt').waitFor()],
      ['/favorites', () => item(page, 'report.txt').waitFor()],
      ['/shared', () => page.getByText('report.txt').first().waitFor()],
      ['/trash', () => item(page, 'old.txt').waitFor()],
      ['/settings', () => page.getByRole('heading', { level: 1 }).first().waitFor()],
    ] as const) {
      await page.goto(path);
      await ready();
      await scan(path);
    }
    expect(found).toEqual(Object.fromEntries(Object.keys(found).map((key) => [key, []])));
  });

  it('finds nothing in the question a move asks when a name is taken where it goes', async () => {
    const client = api(context);
    await client.upload('notes.txt', 'there', (await client.folder('Archive')).id);
    for (const name of ['notes.txt', 'other.txt']) {
      await client.upload(name, name);
    }
    await page.goto('/');
    await item(page, 'notes.txt').click();
    await item(page, 'other.txt').click({ modifiers: ['Shift'] });
    await item(page, 'other.txt').dragTo(item(page, 'Archive'));
    await page.getByRole('dialog', { name: 'Name already taken' }).getByRole('checkbox').waitFor();
    expect(await violations(page)).toEqual([]);
    await page.keyboard.press('Escape');
  });

  it('finds nothing on the pages anyone can open: sign-in, registration, shared links', async () => {
    const client = api(context);
    const folder = await client.folder('Holiday');
    await client.upload('itinerary.txt', 'fly, swim, eat', folder.id);
    const open = await client.share(folder.id);
    const locked = await client.share((await client.upload('plan.txt', 'plan')).id, { password: 'open sesame' });
    const guest = await (await e2e.newContext()).newPage();
    const found: Record<string, string[]> = {};
    for (const [path, ready] of [
      ['/login', () => guest.getByRole('button', { name: 'Sign in' }).waitFor()],
      ['/register', () => guest.getByRole('button', { name: /Create/ }).waitFor()],
      [`/s/${open.token}`, () => guest.getByRole('button', { name: /itinerary\.txt/ }).waitFor()],
      [`/s/${locked.token}`, () => guest.getByLabel('Password').waitFor()],
      ['/s/not-a-real-token', () => guest.getByRole('heading', { level: 1, name: 'Link not found' }).waitFor()],
    ] as const) {
      await guest.goto(path);
      await ready();
      found[path] = await violations(guest);
    }
    await guest.context().close();
    expect(found).toEqual(Object.fromEntries(Object.keys(found).map((key) => [key, []])));
  });
});
