import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { api, type NodeJson } from './api.js';
import { gone, item, MOD, moveWithPicker, selectedCount, toast } from './pages.js';
import { signedInBeforeEach } from './setup.js';

let context: BrowserContext;
let page: Page;
signedInBeforeEach((test) => {
  ({ context, page } = test);
});

/** The question asked when a moved item's name is taken where it goes. */
const question = () => page.getByRole('dialog', { name: 'Name already taken' });

/** The size of each item of a folder, by name. */
async function contents(folderId: string | null = null): Promise<Record<string, number>> {
  const { items } = await api(context).children(folderId);
  return Object.fromEntries(items.map((node: NodeJson) => [node.name, node.size]));
}

/** The label of the element that has the focus. */
const focused = () => page.evaluate<string>('document.activeElement?.textContent ?? ""');

describe('moving onto a name that is taken', () => {
  it('keeps both under the next free number, asking again of the server when that name is taken meanwhile, and undoes it', async () => {
    const client = api(context);
    const archive = await client.folder('Archive');
    await client.upload('a.txt', 'already there', archive.id);
    await client.upload('a (1).txt', 'numbered', archive.id);
    await client.upload('a.txt', 'moved');
    await page.goto('/');
    // The name the dialog offers is taken by someone else (another device) before the move is sent:
    // the server refuses it, and the next number is used.
    let raced = false;
    await page.route('**/api/nodes/*', async (route) => {
      const body: unknown = route.request().method() === 'PATCH' ? route.request().postDataJSON() : null;
      if (!raced && typeof body === 'object' && body !== null && 'name' in body && body.name === 'a (2).txt') {
        raced = true;
        await client.upload('a (2).txt', 'raced', archive.id);
      }
      await route.continue();
    });

    await item(page, 'a.txt').dragTo(item(page, 'Archive'));
    await question().getByText('“Archive” already has a file named “a.txt”.').waitFor();
    await question().getByText('the file you are moving is named “a (2).txt” there').waitFor();
    // One item: nothing remains to do the same for.
    expect(await question().getByRole('checkbox').count()).toBe(0);
    // Keep both has the focus: the keyboard answers.
    expect(await focused()).toBe('Keep both');
    await page.keyboard.press('Enter');
    await toast(page, 'Moved “a.txt” as “a (3).txt”.');
    expect(raced).toBe(true);
    await gone(question());
    await gone(item(page, 'a.txt'));
    expect(await contents(archive.id)).toEqual({ 'a (1).txt': 8, 'a (2).txt': 5, 'a (3).txt': 5, 'a.txt': 13 });

    // Undo brings it back under its own name.
    await page.locator('.toast').filter({ hasText: 'Moved “a.txt” as “a (3).txt”.' }).getByRole('button', { name: 'Undo' }).click();
    await toast(page, 'Moved back “a.txt”.');
    await item(page, 'a.txt').waitFor();
    expect(await contents()).toEqual({ Archive: 0, 'a.txt': 5 });
  });

  it('replaces a file with a file from the Move dialog, the old one going to the trash, and Undo restores it', async () => {
    const client = api(context);
    const archive = await client.folder('Archive');
    const old = await client.upload('report.txt', 'old version', archive.id);
    await client.upload('report.txt', 'new');
    await page.goto('/');
    await moveWithPicker(page, 'report.txt', 'Archive');
    await question().getByText('the file in “Archive” goes to the trash').waitFor();
    await question().getByRole('button', { name: 'Replace' }).click();
    const done = page
      .locator('.toast')
      .filter({ hasText: 'Moved “report.txt”, replacing the file of that name there. The replaced file is in the trash.' });
    await done.waitFor();
    await gone(item(page, 'report.txt'));
    expect(await contents(archive.id)).toEqual({ 'report.txt': 3 });
    expect((await client.trashed()).map((node) => [node.id, node.name, node.size])).toEqual([[old.id, 'report.txt', 11]]);

    await done.getByRole('button', { name: 'Undo' }).click();
    await toast(page, 'Moved back “report.txt” and restored the file it replaced.');
    await item(page, 'report.txt').waitFor();
    expect(await contents()).toEqual({ Archive: 0, 'report.txt': 3 });
    expect(await contents(archive.id)).toEqual({ 'report.txt': 11 });
    expect(await client.trashed()).toEqual([]);
  });

  it('puts the file it was to replace back when the move then fails', async () => {
    const client = api(context);
    const archive = await client.folder('Archive');
    await client.upload('plan.txt', 'old plan', archive.id);
    await client.upload('plan.txt', 'new');
    await page.goto('/');
    // The move sent after the old file went to the trash fails on the server's side.
    let patches = 0;
    await page.route('**/api/nodes/*', async (route) => {
      if (route.request().method() === 'PATCH' && ++patches === 2) {
        await route.fulfill({ status: 500, json: { error: { code: 'internal', message: 'Something went wrong.' } } });
        return;
      }
      await route.continue();
    });
    await item(page, 'plan.txt').dragTo(item(page, 'Archive'));
    await question().getByRole('button', { name: 'Replace' }).click();
    await toast(page, 'plan.txt: Something went wrong.');
    expect(await contents(archive.id)).toEqual({ 'plan.txt': 8 });
    expect(await contents()).toEqual({ Archive: 0, 'plan.txt': 3 });
    expect(await client.trashed()).toEqual([]);
    expect(await page.locator('.toast').getByRole('button', { name: 'Undo' }).count()).toBe(0);
  });

  it('skips every clash of a selection when told to do so for all, moving the rest', async () => {
    const client = api(context);
    const archive = await client.folder('Archive');
    await client.upload('b.txt', 'archived b', archive.id);
    await client.upload('c.txt', 'archived c', archive.id);
    for (const name of ['a.txt', 'b.txt', 'c.txt', 'd.txt']) {
      await client.upload(name, name);
    }
    await page.goto('/');
    await item(page, 'a.txt').click();
    await item(page, 'd.txt').click({ modifiers: ['Shift'] });
    await selectedCount(page).filter({ hasText: '4 selected' }).waitFor();
    await item(page, 'd.txt').dragTo(item(page, 'Archive'));

    // Asked once, about b.txt (a.txt has moved already), for it and what comes after it.
    await question().getByText('“Archive” already has a file named “b.txt”.').waitFor();
    await question().getByText('this item and the 2 after it stay where they are').waitFor();
    await question().getByRole('checkbox', { name: 'Do this for all remaining clashes' }).check();
    await question().getByRole('button', { name: 'Skip' }).click();
    const done = page.locator('.toast').filter({ hasText: 'Moved 2 of 4 items. Skipped 2 items.' });
    await done.waitFor();
    // c.txt was not asked about.
    expect(await question().count()).toBe(0);
    await gone(item(page, 'd.txt'));
    expect(await contents(archive.id)).toEqual({ 'a.txt': 5, 'b.txt': 10, 'c.txt': 10, 'd.txt': 5 });
    expect(await contents()).toEqual({ Archive: 0, 'b.txt': 5, 'c.txt': 5 });

    await done.getByRole('button', { name: 'Undo' }).click();
    await toast(page, 'Moved back 2 items.');
    await item(page, 'd.txt').waitFor();
    expect(Object.keys(await contents()).sort()).toEqual(['Archive', 'a.txt', 'b.txt', 'c.txt', 'd.txt']);
  });

  it('never offers to replace a file with a folder: Escape cancels, and Keep both numbers the folder', async () => {
    const client = api(context);
    const archive = await client.folder('Archive');
    await client.upload('Reports', 'a file named like the folder', archive.id);
    await client.folder('Reports');
    await page.goto('/');

    await item(page, 'Reports').dragTo(item(page, 'Archive'));
    await question().getByText('“Archive” already has a file named “Reports”.').waitFor();
    await question().getByText('A folder and a file cannot replace each other: keep both, or skip this one.').waitFor();
    expect(await question().getByRole('button', { name: 'Replace' }).count()).toBe(0);
    await page.keyboard.press('Escape');
    await toast(page, 'Cancelled: “Reports” not moved.');
    await gone(question());
    // The focus is back in the list.
    expect(await page.evaluate("document.activeElement?.getAttribute('role')")).toBe('listbox');
    expect(Object.keys(await contents())).toEqual(['Archive', 'Reports']);

    await item(page, 'Reports').dragTo(item(page, 'Archive'));
    await question().getByText('the folder you are moving is named “Reports (1)” there').waitFor();
    await question().getByRole('button', { name: 'Keep both' }).click();
    await toast(page, 'Moved “Reports” as “Reports (1)”.');
    const moved = (await client.children(archive.id)).items.map((node) => [node.name, node.type]);
    expect(moved).toEqual([
      ['Reports (1)', 'folder'],
      ['Reports', 'file'],
    ]);
  });

  it('stops a move with Back, as Cancel does, staying on the page', async () => {
    const client = api(context);
    const archive = await client.folder('Archive');
    for (const name of ['x.txt', 'y.txt']) {
      await client.upload(name, 'there', archive.id);
      await client.upload(name, 'here');
    }
    await page.goto('/');
    await item(page, 'x.txt').click();
    await item(page, 'y.txt').click({ modifiers: ['Shift'] });
    await item(page, 'y.txt').dragTo(item(page, 'Archive'));
    await question().getByText('“Archive” already has a file named “x.txt”.').waitFor();
    await page.goBack();
    await toast(page, 'Cancelled: 2 items not moved.');
    await gone(question());
    expect(new URL(page.url()).pathname).toBe('/');
    await item(page, 'x.txt').waitFor();
    expect(await contents(archive.id)).toEqual({ 'x.txt': 5, 'y.txt': 5 });
  });

  it('says which items were in the folder already, from Favourites, instead of counting them as moved', async () => {
    const client = api(context);
    const dest = await client.folder('Dest');
    const inside = await client.upload('inside.txt', 'in', dest.id);
    const outside = await client.upload('outside.txt', 'out');
    for (const node of [dest, inside, outside]) {
      await client.patch(node.id, { favorite: true });
    }
    await page.goto('/favorites');
    await item(page, 'inside.txt').click();
    await item(page, 'outside.txt').click({ modifiers: [MOD] });
    await item(page, 'outside.txt').dragTo(item(page, 'Dest'));
    await toast(page, 'Moved “outside.txt”. “inside.txt” was already there.');
    expect(await contents(dest.id)).toEqual({ 'inside.txt': 2, 'outside.txt': 3 });
    expect(await contents()).toEqual({ Dest: 0 });

    // Only items that are there already: nothing is moved, and the app says so.
    await item(page, 'inside.txt').click();
    await item(page, 'inside.txt').dragTo(item(page, 'Dest'));
    await toast(page, '“inside.txt” is already there.');
  });
});
