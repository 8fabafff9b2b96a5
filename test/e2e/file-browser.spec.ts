import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { api } from './api.js';
import { gone, item, MOD, moveWithPicker, selectedCount, toast, view } from './pages.js';
import { signedInBeforeEach } from './setup.js';

let context: BrowserContext;
let page: Page;
signedInBeforeEach((test) => {
  ({ context, page } = test);
});

describe('file browser', () => {
  it('creates a folder, opens it and comes back through the breadcrumbs', async () => {
    await page.goto('/');
    await page.getByRole('button', { name: 'New folder' }).click();
    const dialog = page.getByRole('dialog', { name: 'New folder' });
    await dialog.getByLabel('Folder name').fill('Projects');
    await dialog.getByLabel('Folder name').press('Enter');
    await toast(page, 'Created “Projects”.');
    await item(page, 'Projects').dblclick();
    await page.waitForURL(/\/folders\/[^/]+$/);
    const crumbs = page.getByRole('navigation', { name: 'Folder path' });
    await crumbs.locator('[aria-current="page"]', { hasText: 'Projects' }).waitFor();
    await page.getByRole('heading', { name: 'This folder is empty' }).waitFor();
    await crumbs.getByRole('link', { name: 'My files' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await item(page, 'Projects').waitFor();
  });

  it('shows the current folder at the end of a path wider than a phone', async () => {
    const client = api(context);
    let parent: string | null = null;
    for (const name of ['Customers and partners', 'Quarterly reports', 'Second quarter', 'Drafts for review']) {
      parent = (await client.folder(name, parent)).id;
    }
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`/folders/${parent}`);
    const current = page.getByRole('navigation', { name: 'Folder path' }).locator('[aria-current="page"]');
    await current.waitFor();
    await expect.poll(async () => (await current.boundingBox())!.x + (await current.boundingBox())!.width).toBeLessThanOrEqual(390);
    expect((await current.boundingBox())!.x).toBeGreaterThanOrEqual(0);
    await page.getByRole('heading', { name: 'Drafts for review', level: 1 }).waitFor();

    // A deep path that does not fit keeps its start and end in view; the folders between are behind "…".
    const path = page.getByRole('navigation', { name: 'Folder path' });
    await path.getByRole('link', { name: 'My files' }).waitFor();
    await path.getByRole('link', { name: 'Second quarter' }).waitFor();
    expect(await path.getByText('Customers and partners').count()).toBe(0);
    // Where it fits (a wide screen), the whole path shows.
    await page.setViewportSize({ width: 1366, height: 800 });
    await path.getByRole('link', { name: 'Customers and partners' }).waitFor();
    await path.getByRole('link', { name: 'Quarterly reports' }).waitFor();
    expect(await path.getByRole('button', { name: /more folders? in the path/ }).count()).toBe(0);
    await page.setViewportSize({ width: 390, height: 844 });
    await path.getByRole('button', { name: '2 more folders in the path' }).click();
    await page.getByRole('menu', { name: 'Folders in the path' }).getByRole('menuitem', { name: 'Customers and partners' }).click();
    await page.waitForURL(/\/folders\//);
    await page.getByRole('heading', { name: 'Customers and partners', level: 1 }).waitFor();
  });

  it('cuts a long name in the middle, so its end and extension stay in sight, in the list and the grid', async () => {
    const name = `${'Minutes of the quarterly planning meeting with every team, '.repeat(3)}final 2024-11-05.pdf`;
    await api(context).upload(name, 'minutes');
    await page.goto('/');
    /** Whether the item's name is cut, and whether its last characters are inside the item's box. */
    const shown = async () => {
      const option = item(page, name);
      const head = option.locator('.truncated-head');
      const tail = option.locator('.truncated-tail');
      const [box, tailBox] = [await option.boundingBox(), await tail.boundingBox()];
      return {
        cut: await head.evaluate((element: { scrollWidth: number; clientWidth: number }) => element.scrollWidth > element.clientWidth),
        tail: await tail.textContent(),
        tailInside: box !== null && tailBox !== null && tailBox.width > 0 && tailBox.x + tailBox.width <= box.x + box.width,
        text: await option.locator('.middle-truncated').textContent(),
      };
    };
    await item(page, name).waitFor();
    expect(await shown()).toEqual({ cut: true, tail: '2024-11-05.pdf', tailInside: true, text: name });
    await page.getByRole('button', { name: 'Grid' }).click();
    await item(page, name).waitFor();
    expect(await shown()).toEqual({ cut: true, tail: '2024-11-05.pdf', tailInside: true, text: name });
  });

  it('keeps the focus on a sort button while the new order loads, and shows a kind icon for an image it cannot read', async () => {
    await api(context).upload('b.txt', 'bb');
    await api(context).upload('a.txt', 'aaa');
    await api(context).upload('broken.png', 'not a picture at all');
    await page.goto('/');
    await item(page, 'a.txt').waitFor();
    const size = page.getByRole('button', { name: /^Size/ });
    await size.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => size.getAttribute('aria-pressed')).toBe('true');
    expect(await size.evaluate((element) => element === element.ownerDocument.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => size.textContent()).toContain('descending');

    await page.getByRole('button', { name: 'Grid' }).click();
    const tile = item(page, 'broken.png');
    await tile.locator('svg').first().waitFor();
    expect(await tile.locator('img').count()).toBe(0);
  });

  it('refuses a duplicate folder name inside the dialog', async () => {
    await api(context).folder('Taken');
    await page.goto('/');
    await page.getByRole('button', { name: 'New folder' }).click();
    const dialog = page.getByRole('dialog', { name: 'New folder' });
    await dialog.getByLabel('Folder name').fill('Taken');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.getByRole('alert').waitFor();
    expect(await dialog.getByRole('alert').textContent()).toMatch(/Taken/);
  });

  it('says in its own words why a name cannot be used, before asking the server', async () => {
    await api(context).upload('notes.txt', 'notes');
    await page.goto('/');
    const refused: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) {
        refused.push(`${response.status()} ${response.url()}`);
      }
    });
    await item(page, 'notes.txt').click();
    await page.keyboard.press('F2');
    const rename = page.getByRole('dialog', { name: 'Rename file' });
    await rename.getByLabel('New name').fill('..');
    await rename.getByLabel('New name').press('Enter');
    await rename.getByRole('alert').getByText('A name cannot be “.” or “..”.').waitFor();
    await rename.getByLabel('New name').fill(`${'é'.repeat(130)}.txt`);
    await rename.getByLabel('New name').press('Enter');
    await rename.getByRole('alert').getByText(/^This name is too long: at most 255 bytes/).waitFor();
    // A direction mark that would show "invoice.exe" as "invoice.txt" is invisible: said in plain words too.
    await rename.getByLabel('New name').fill('invoice\u202etxt.exe');
    await rename.getByLabel('New name').press('Enter');
    await rename.getByRole('alert').getByText(/^Names cannot contain control characters/).waitFor();
    expect(refused).toEqual([]);
    // Hangul as macOS writes it (decomposed): 459 bytes as pasted, 153 as the server stores it (NFC).
    const korean = '한국어'.repeat(17);
    await rename.getByLabel('New name').fill(korean.normalize('NFD'));
    await rename.getByLabel('New name').press('Enter');
    await gone(rename);
    await item(page, korean).waitFor();

    await page.getByRole('button', { name: 'New folder' }).click();
    const create = page.getByRole('dialog', { name: 'New folder' });
    await create.getByLabel('Folder name').fill('.');
    await create.getByRole('button', { name: 'Create' }).click();
    await create.getByRole('alert').getByText('A name cannot be “.” or “..”.').waitFor();
    expect(refused).toEqual([]);
  });

  it('renames with F2 and from the context menu', async () => {
    await api(context).folder('Drafts');
    await api(context).upload('notes.txt', 'hello');
    await page.goto('/');
    await item(page, 'Drafts').click();
    await page.keyboard.press('F2');
    const rename = page.getByRole('dialog', { name: 'Rename folder' });
    await rename.getByLabel('New name').fill('Final');
    await rename.getByLabel('New name').press('Enter');
    await item(page, 'Final').waitFor();
    await gone(item(page, 'Drafts'));
    // Closing a dialog gives the focus back to the list: the arrow keys go on working.
    await page.keyboard.press('F2');
    await page.getByRole('dialog', { name: 'Rename folder' }).waitFor();
    await page.keyboard.press('Escape');
    await gone(page.getByRole('dialog'));
    const activeItem = () =>
      page.evaluate(
        "document.activeElement?.getAttribute('role') === 'listbox' ? document.getElementById(document.activeElement.getAttribute('aria-activedescendant') ?? '')?.getAttribute('aria-label')?.split(',')[0] : document.activeElement?.tagName",
      );
    expect(await activeItem()).toBe('Final');
    await page.keyboard.press('ArrowDown');
    expect(await activeItem()).toBe('notes.txt');

    await item(page, 'notes.txt').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Rename…' }).click();
    const renameFile = page.getByRole('dialog', { name: 'Rename file' });
    // The name without its extension is selected, so typing replaces just that.
    await page.keyboard.type('minutes');
    await renameFile.getByRole('button', { name: 'Rename' }).click();
    await item(page, 'minutes.txt').waitFor();
  });

  it('moves an item with the folder picker and by dragging it onto a folder', async () => {
    const client = api(context);
    const archive = await client.folder('Archive');
    await client.folder('Inbox');
    await client.upload('note.txt', 'moved by dialog');
    await client.upload('drag.txt', 'moved by drag');
    await page.goto('/');

    const picker = await moveWithPicker(page, 'note.txt', 'Archive');
    await toast(page, 'Moved “note.txt”.');
    await gone(item(page, 'note.txt'));

    await item(page, 'drag.txt').dragTo(item(page, 'Archive'));
    await toast(page, 'Moved “drag.txt”.');
    await gone(item(page, 'drag.txt'));

    const inArchive = (await client.children(archive.id)).items.map((node) => node.name).sort();
    expect(inArchive).toEqual(['drag.txt', 'note.txt']);
    // The toast undoes the last move: drag.txt comes back.
    await page.locator('.toast').filter({ hasText: 'Moved “drag.txt”.' }).getByRole('button', { name: 'Undo' }).click();
    await toast(page, 'Moved back “drag.txt”.');
    await item(page, 'drag.txt').waitFor();
    expect((await client.children(archive.id)).items.map((node) => node.name)).toEqual(['note.txt']);
    await item(page, 'Archive').dblclick();
    await item(page, 'note.txt').waitFor();
    // The picker starts in the folder the item is in (where it already is: nothing to do there).
    await item(page, 'note.txt').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Move to…' }).click();
    await picker.getByText('Destination:').getByText('Archive').waitFor();
    expect(await picker.getByRole('button', { name: 'Move here' }).isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
  });

  it('says which items of a selection moved when one of them could not, and undoes those', async () => {
    const client = api(context);
    await client.folder('Archive');
    const made = new Map<string, string>();
    for (const name of ['one.txt', 'gone.txt', 'two.txt']) {
      made.set(name, (await client.upload(name, name)).id);
    }
    await page.goto('/');
    await item(page, 'gone.txt').click();
    await item(page, 'two.txt').click({ modifiers: ['Shift'] });
    await selectedCount(page).filter({ hasText: '3 selected' }).waitFor();
    // Trashed elsewhere (another device) while still on this screen. (A name taken in the
    // destination is asked about instead: move-clashes.spec.ts.)
    await client.trash(made.get('gone.txt')!);
    await item(page, 'two.txt').dragTo(item(page, 'Archive'));
    // Not the refusal alone, which reads as if nothing had moved.
    const partly = page.locator('.toast').filter({ hasText: 'Moved 2 of 3 items. gone.txt: That item was not found.' });
    await partly.waitFor();
    await gone(item(page, 'one.txt'));
    await partly.getByRole('button', { name: 'Undo' }).click();
    await toast(page, 'Moved back 2 items.');
    await item(page, 'one.txt').waitFor();
    expect((await client.children()).items.map((node) => node.name)).toEqual(['Archive', 'one.txt', 'two.txt']);
  });

  it('makes a new folder inside the folder picker and moves there', async () => {
    await api(context).upload('loose.txt', 'to file away');
    await page.goto('/');
    await item(page, 'loose.txt').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Move to…' }).click();
    const picker = page.getByRole('dialog', { name: 'Move “loose.txt”' });
    await picker.getByRole('button', { name: 'New folder' }).click();
    await picker.getByLabel('New folder name').fill('Filed');
    await picker.getByRole('button', { name: 'Create' }).click();
    await picker.getByText('Destination:').getByText('Filed').waitFor();
    await picker.getByRole('button', { name: 'Move here' }).click();
    await toast(page, 'Moved “loose.txt”.');
    await item(page, 'Filed').dblclick();
    await item(page, 'loose.txt').waitFor();
  });

  it('copies an item into another folder with the folder picker', async () => {
    const client = api(context);
    const target = await client.folder('Backup');
    await client.upload('original.txt', 'copy me');
    await page.goto('/');
    await item(page, 'original.txt').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Copy to…' }).click();
    const picker = page.getByRole('dialog', { name: 'Copy “original.txt”' });
    await picker.getByRole('button', { name: 'Backup' }).click();
    await picker.getByRole('button', { name: 'Copy here' }).click();
    await toast(page, 'Copied “original.txt”.');
    await item(page, 'original.txt').waitFor();
    expect((await client.children(target.id)).items.map((node) => node.name)).toEqual(['original.txt']);

    // A copy into its own folder is kept beside the original, and the toast names it. The picker
    // listed the folder: names known to be taken are not tried (a refused request is a console error).
    const refused: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) {
        refused.push(`${response.status()} ${response.url()}`);
      }
    });
    for (const expected of ['original (copy).txt', 'original (copy 2).txt']) {
      await item(page, 'original.txt').click({ button: 'right' });
      await page.getByRole('menuitem', { name: 'Copy to…' }).click();
      await page.getByRole('dialog', { name: 'Copy “original.txt”' }).getByRole('button', { name: 'Copy here' }).click();
      await item(page, expected).waitFor();
      await toast(page, `Copied “original.txt” as “${expected}”.`);
    }
    expect(refused).toEqual([]);
  });

  it('does not offer to copy a folder into itself or one of its subfolders, and says why', async () => {
    const client = api(context);
    const top = await client.folder('Projects');
    await client.folder('Archive', top.id);
    await client.folder('Elsewhere');
    await page.goto('/');
    await item(page, 'Projects').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Copy to…' }).click();
    const picker = page.getByRole('dialog', { name: 'Copy “Projects”' });
    const copyHere = picker.getByRole('button', { name: 'Copy here' });
    const why = picker.getByText('A folder cannot be copied into itself or one of its subfolders: choose another folder.');
    // Beside itself: a copy is kept as "Projects (copy)". (Disabled until the picker has listed the
    // folder: waited for, not read at once.)
    await picker.getByRole('button', { name: 'Copy here', disabled: false }).waitFor();
    await picker.getByRole('button', { name: 'Projects' }).click();
    await picker.getByText('Destination:').getByText('Projects').waitFor();
    await why.waitFor();
    expect(await copyHere.isDisabled()).toBe(true);
    await picker.getByRole('button', { name: 'Archive' }).click();
    await picker.getByText('Destination:').getByText('Archive').waitFor();
    await why.waitFor();
    expect(await copyHere.isDisabled()).toBe(true);
    await picker.getByRole('navigation', { name: 'Folder path' }).getByRole('button', { name: 'My files' }).click();
    await picker.getByRole('button', { name: 'Elsewhere' }).click();
    await picker.getByText('Destination:').getByText('Elsewhere').waitFor();
    expect(await why.count()).toBe(0);
    await copyHere.click();
    await toast(page, 'Copied “Projects”.');
  });

  it('keeps a long folder name inside the folder picker', async () => {
    const name = `Correspondence_with_the_regional_planning_office_about_the_new_harbour_${'extension_'.repeat(6)}2024`;
    const folder = await api(context).folder(name);
    await api(context).upload('letter.txt', 'dear sirs', folder.id);
    await page.goto(`/folders/${folder.id}`);
    await item(page, 'letter.txt').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Move to…' }).click();
    const picker = page.getByRole('dialog', { name: 'Move “letter.txt”' });
    await picker.getByText('Destination:').getByText(name).waitFor();
    const dialogBox = (await picker.boundingBox())!;
    for (const part of [
      picker.getByRole('navigation', { name: 'Folder path' }).getByRole('button', { name }),
      picker.getByText('Destination:'),
    ]) {
      const box = (await part.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(dialogBox.x);
      expect(box.x + box.width, `${part.toString()} ends past the dialog`).toBeLessThanOrEqual(dialogBox.x + dialogBox.width);
    }
    // The whole name is one hover away.
    expect(await picker.getByText('Destination:').getAttribute('title')).toBe(name);
  });

  it('says why Move here is not offered in the folder the items are in', async () => {
    const folder = await api(context).folder('Work');
    await api(context).upload('draft.txt', 'd', folder.id);
    await page.goto(`/folders/${folder.id}`);
    await item(page, 'draft.txt').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Move to…' }).click();
    const picker = page.getByRole('dialog', { name: 'Move “draft.txt”' });
    await picker.getByText('No folders here. What you are moving is already here: choose another folder.').waitFor();
    expect(await picker.getByRole('button', { name: 'Move here' }).isDisabled()).toBe(true);
  });

  it('navigates with the keyboard: arrows, Enter opens, Backspace goes up to the same folder', async () => {
    const client = api(context);
    await client.folder('alpha');
    const beta = await client.folder('beta');
    await client.folder('gamma');
    await client.upload('zeta.txt', 'z');
    await page.goto('/');
    await item(page, 'alpha').waitFor();
    await view(page).focus();
    const active = () => view(page).getAttribute('aria-activedescendant');
    const idOf = async (name: string) => (await item(page, name).getAttribute('id')) ?? 'missing';

    expect(await active()).toBe(await idOf('alpha'));
    await page.keyboard.press('ArrowDown');
    expect(await active()).toBe(await idOf('beta'));
    expect(await item(page, 'beta').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('End');
    expect(await active()).toBe(await idOf('zeta.txt'));
    await page.keyboard.press('Shift+ArrowUp');
    await selectedCount(page).filter({ hasText: '2 selected' }).waitFor();
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+F10');
    await page.getByRole('menu', { name: 'Actions' }).getByRole('menuitem', { name: 'Open' }).waitFor();
    await page.keyboard.press('Escape');
    await gone(page.getByRole('menu'));
    expect(await page.evaluate("document.activeElement?.getAttribute('role')")).toBe('listbox');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === `/folders/${beta.id}`);
    await page.getByRole('heading', { name: 'This folder is empty' }).waitFor();
    await page.keyboard.press('Backspace');
    await page.waitForURL((url) => url.pathname === '/');
    await item(page, 'beta').waitFor();
    await expect.poll(active).toBe(await idOf('beta'));
  });

  it('selects with click, shift-click, ctrl-click, select all and Escape', async () => {
    const client = api(context);
    const made = new Map<string, string>();
    for (const name of ['alpha', 'beta', 'gamma', 'delta']) {
      made.set(name, (await client.folder(name)).id);
    }
    await page.goto('/');
    await item(page, 'alpha').click();
    await selectedCount(page).filter({ hasText: '1 selected' }).waitFor();
    // Sorted by name: alpha, beta, delta, gamma.
    await item(page, 'delta').click({ modifiers: ['Shift'] });
    await selectedCount(page).filter({ hasText: '3 selected' }).waitFor();
    await item(page, 'beta').click({ modifiers: ['ControlOrMeta'] });
    await selectedCount(page).filter({ hasText: '2 selected' }).waitFor();
    expect(await item(page, 'beta').getAttribute('aria-selected')).toBe('false');
    await page.keyboard.press(`${MOD}+a`);
    await selectedCount(page).filter({ hasText: '4 selected' }).waitFor();
    await page.keyboard.press('Escape');
    await gone(selectedCount(page));
    // Everything in the folder downloads as one zip of what was selected.
    await page.keyboard.press(`${MOD}+a`);
    const download = page.waitForEvent('download');
    const downloadSelection = () => page.getByRole('toolbar', { name: 'Selected items' }).getByRole('button', { name: 'Download as zip' }).click();
    await downloadSelection();
    const zipped = new URL((await download).url());
    expect(zipped.pathname).toBe('/api/zip');
    expect(zipped.searchParams.get('ids')?.split(',').sort()).toEqual([...made.values()].sort());
    // One of them trashed meanwhile (on another device, say) is said to be gone, not left out of
    // the zip unsaid, and no download starts.
    const downloads: string[] = [];
    page.on('download', (each) => downloads.push(each.url()));
    await client.trash(made.get('gamma')!);
    await page.keyboard.press(`${MOD}+a`);
    await selectedCount(page).filter({ hasText: '4 selected' }).waitFor();
    await downloadSelection();
    await toast(page, 'Some of these items are no longer here: they were moved to the trash or deleted.');
    await gone(item(page, 'gamma'));
    await page.waitForTimeout(300);
    expect(downloads).toEqual([]);
  });

  it('moves the selection to the trash with the Delete key, and shows it in the trash', async () => {
    const client = api(context);
    await client.folder('keep');
    await client.folder('old-1');
    await client.upload('old-2.txt', 'bye');
    await page.goto('/');
    await item(page, 'old-1').click();
    await item(page, 'old-2.txt').click({ modifiers: ['ControlOrMeta'] });
    await page.keyboard.press('Delete');
    await toast(page, 'Moved to the trash: 2 items.');
    await gone(item(page, 'old-1'));
    await gone(item(page, 'old-2.txt'));
    await item(page, 'keep').waitFor();

    await page.getByRole('link', { name: 'Trash' }).click();
    await page.waitForURL((url) => url.pathname === '/trash');
    await item(page, 'old-1').waitFor();
    expect(await item(page, 'old-2.txt').textContent()).toMatch(/deleted for good in (29|30) days/);
  });

  it('undoes a move to the trash from the toast', async () => {
    const client = api(context);
    const folder = await client.folder('Reports');
    await client.upload('q3.txt', 'numbers', folder.id);
    await page.goto(`/folders/${folder.id}`);
    await item(page, 'q3.txt').click();
    await page.keyboard.press('Delete');
    await gone(item(page, 'q3.txt'));
    await page.locator('.toast').filter({ hasText: 'Moved to the trash: “q3.txt”.' }).getByRole('button', { name: 'Undo' }).click();
    await toast(page, 'Restored “q3.txt”.');
    await item(page, 'q3.txt').waitFor();
    expect((await client.children(folder.id)).items.map((node) => node.name)).toEqual(['q3.txt']);
  });

  it('keeps a folder of 1,100 items virtual: few rows in the page, every row reachable', async () => {
    const client = api(context);
    await client.numberedFolders(1100);
    await page.goto('/');
    await item(page, 'item-0000').waitFor();
    expect(await page.getByRole('option').count()).toBeLessThan(80);
    expect(await item(page, 'item-0000').getAttribute('aria-setsize')).toBe('1100');
    await view(page).focus();
    await page.keyboard.press('End');
    await item(page, 'item-1099').waitFor();
    expect(await page.getByRole('option').count()).toBeLessThan(80);
    await page.keyboard.press('PageUp');
    await page.keyboard.press('PageUp');
    expect(await view(page).getAttribute('aria-activedescendant')).toMatch(/^item-/);

    // After scrolling with the wheel, the first press on the list (which gives it the focus)
    // selects the row under the pointer, and a right-click opens that row's menu. A new visit to
    // the folder, through the links: loading the same address again is a reload to Chromium, which
    // brings the list back scrolled and focused where it was.
    await page.getByRole('link', { name: 'Trash' }).click();
    await page.waitForURL((url) => url.pathname === '/trash');
    await page.getByRole('link', { name: 'My files' }).first().click();
    await item(page, 'item-0000').waitFor();
    const box = (await view(page).boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, 6000);
    const scrollTop = () => page.evaluate<number>(`document.querySelector('[role="listbox"]').scrollTop`);
    await expect.poll(scrollTop).toBeGreaterThan(5000);
    // The name of the row at a point of the page.
    const rowAt = (x: number, y: number) =>
      page.evaluate<string>(
        `document.elementFromPoint(${x}, ${y})?.closest('[role="option"]')?.getAttribute('aria-label')?.split(',')[0] ?? ''`,
      );
    const x = box.x + box.width / 3;
    const name = await rowAt(x, box.y + box.height / 2);
    expect(name > 'item-0100').toBe(true);
    await page.mouse.click(x, box.y + box.height / 2);
    await expect.poll(() => item(page, name).getAttribute('aria-selected')).toBe('true');
    expect(await scrollTop()).toBeGreaterThan(5000);
    const otherName = await rowAt(x, box.y + box.height / 2 + 120);
    expect(otherName).not.toBe(name);
    await page.mouse.click(x, box.y + box.height / 2 + 120, { button: 'right' });
    await page.getByRole('menuitem', { name: /Rename/ }).click();
    expect(await page.getByRole('dialog').getByRole('textbox').inputValue()).toBe(otherName);
    await page.keyboard.press('Escape');
  });

  it('selects a new folder, scrolled into view and focused, however far down a long folder it sorts', async () => {
    const client = api(context);
    await client.numberedFolders(520);
    await page.goto('/');
    await item(page, 'item-0000').click();
    await page.getByRole('button', { name: 'New folder' }).click();
    const dialog = page.getByRole('dialog', { name: 'New folder' });
    await dialog.getByLabel('Folder name').fill('Zz archive');
    await dialog.getByLabel('Folder name').press('Enter');
    await toast(page, 'Created “Zz archive”.');
    // It sorts last, past the first page of the listing (500 items): loaded and shown all the same.
    const created = item(page, 'Zz archive');
    await expect.poll(() => created.getAttribute('aria-selected')).toBe('true');
    expect(await created.isVisible()).toBe(true);
    expect(await created.getAttribute('aria-posinset')).toBe('521');
    await selectedCount(page).filter({ hasText: '1 selected' }).waitFor();
    // The keyboard goes on from it: the list has the focus, on the new folder, and Enter opens it.
    await expect.poll(() => page.evaluate<string | null>(`document.activeElement?.getAttribute('role') ?? null`)).toBe('listbox');
    expect(await view(page).getAttribute('aria-activedescendant')).toBe(await created.getAttribute('id'));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'This folder is empty' }).waitFor();
    await page.getByRole('navigation', { name: 'Folder path' }).locator('[aria-current="page"]', { hasText: 'Zz archive' }).waitFor();
  });

  it('switches between system, light and dark themes and remembers the choice', async () => {
    await page.goto('/');
    const theme = () => page.evaluate('document.documentElement.dataset.theme ?? "system"');
    expect(await theme()).toBe('system');
    await page.getByRole('button', { name: /^System theme/ }).click();
    expect(await theme()).toBe('light');
    await page.getByRole('button', { name: /^Light theme/ }).click();
    expect(await theme()).toBe('dark');
    await page.reload();
    await page.getByRole('button', { name: /^Dark theme/ }).waitFor();
    expect(await theme()).toBe('dark');
  });
});

describe('without the server', () => {
  /** The non-blocking notice shown while the server cannot be reached. */
  const notice = () => page.locator('.connection-notice');

  it('keeps a folder on screen when its refresh cannot reach the server, and refreshes it once it can', async () => {
    const folder = await api(context).folder('Docs');
    await api(context).upload('draft.txt', 'draft', folder.id);
    await api(context).upload('notes.txt', 'notes', folder.id);
    await page.goto(`/folders/${folder.id}`);
    await item(page, 'draft.txt').waitFor();
    // Every read fails as if the server were gone (its health check too); the rename still goes through.
    await page.route('**/api/**', (route) => (route.request().method() === 'GET' ? route.abort() : route.continue()));
    await item(page, 'draft.txt').click();
    await page.keyboard.press('F2');
    const rename = page.getByRole('dialog', { name: 'Rename file' });
    await rename.getByLabel('New name').fill('final.txt');
    await rename.getByLabel('New name').press('Enter');
    await gone(rename);
    await notice().getByText('Cannot reach the server').waitFor();
    // What was loaded stays, not an error in its place.
    expect(await item(page, 'notes.txt').isVisible()).toBe(true);
    expect(await page.getByRole('alert').count()).toBe(0);
    // Back: the list refreshes by itself, without a reload.
    await page.unroute('**/api/**');
    await item(page, 'final.txt').waitFor({ timeout: 10_000 });
    await gone(notice());
  });

  it('keeps favourites on screen when their refresh cannot reach the server', async () => {
    const kept = await api(context).upload('kept.txt', 'kept');
    const dropped = await api(context).upload('dropped.txt', 'dropped');
    await api(context).patch(kept.id, { favorite: true });
    await api(context).patch(dropped.id, { favorite: true });
    await page.goto('/favorites');
    await item(page, 'dropped.txt').waitFor();
    await page.route('**/api/**', (route) => (route.request().method() === 'GET' ? route.abort() : route.continue()));
    await item(page, 'dropped.txt').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Remove from favourites' }).click();
    await notice().getByText('Cannot reach the server').waitFor();
    expect(await item(page, 'kept.txt').isVisible()).toBe(true);
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.unroute('**/api/**');
    await gone(item(page, 'dropped.txt'));
    await item(page, 'kept.txt').waitFor();
    await gone(notice());
  });

  it('shows a folder seen before while offline, and opens one never loaded by itself once back online', async () => {
    const parent = await api(context).folder('Parent');
    await api(context).folder('One', parent.id);
    const two = await api(context).folder('Two', parent.id);
    await api(context).upload('in-two.txt', 'two', two.id);
    await page.goto(`/folders/${parent.id}`);
    await item(page, 'One').dblclick();
    await page.getByRole('heading', { name: 'This folder is empty' }).waitFor();
    await context.setOffline(true);
    await page.getByRole('navigation', { name: 'Folder path' }).getByRole('link', { name: 'Parent' }).click();
    // Seen before: shown as it was loaded, with the notice.
    await item(page, 'Two').waitFor();
    await notice().getByText('You are offline').waitFor();
    // Never loaded: an error that offers to try again ...
    await item(page, 'Two').dblclick();
    await page.getByRole('alert').getByRole('button', { name: 'Try again' }).waitFor();
    // ... and that goes away by itself once the connection is back.
    await context.setOffline(false);
    await item(page, 'in-two.txt').waitFor();
    await gone(notice());
  });
});
