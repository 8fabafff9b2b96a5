import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { api } from './api.js';
import { gone, item } from './pages.js';
import { signedInBeforeEach } from './setup.js';

let context: BrowserContext;
let page: Page;
signedInBeforeEach((test) => {
  ({ context, page } = test);
});

const panel = () => page.getByRole('region', { name: 'Uploads' });
const file = (name: string, text: string) => ({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });

/** Drops files on an element the way a desktop drag would (a DataTransfer carrying File objects). */
async function dropFiles(target: ReturnType<Page['locator']>, files: { name: string; text: string }[]): Promise<void> {
  // A string, run in the page: tests are type-checked without the DOM library.
  const dataTransfer = await page.evaluateHandle(`(() => {
    const transfer = new DataTransfer();
    for (const each of ${JSON.stringify(files)}) {
      transfer.items.add(new File([each.text], each.name, { type: 'text/plain' }));
    }
    return transfer;
  })()`);
  await target.dispatchEvent('dragenter', { dataTransfer });
  await target.dispatchEvent('dragover', { dataTransfer });
  await target.dispatchEvent('drop', { dataTransfer });
}

describe('uploads', () => {
  it('uploads files with the button, shows them and updates the storage meter', async () => {
    await page.goto('/');
    await page.getByRole('heading', { name: 'This folder is empty' }).waitFor();
    await page.getByTestId('upload-files').setInputFiles([file('one.txt', 'first file'), file('two.txt', 'second file, longer')]);
    await panel().getByText('2 uploads complete').waitFor();
    await item(page, 'one.txt').waitFor();
    await item(page, 'two.txt').waitFor();
    await expect.poll(() => page.getByRole('meter', { name: 'Storage used' }).getAttribute('aria-valuetext')).toBe('29 B of 8.00 MB used');
    expect(await panel().getByRole('progressbar', { name: 'Total upload progress' }).getAttribute('aria-valuenow')).toBe('100');
  });

  it('selects a single file uploaded into a long folder, scrolled into view, wherever it sorts', async () => {
    const client = api(context);
    await client.numberedFolders(520);
    await page.goto('/');
    await item(page, 'item-0000').waitFor();
    // Files sort after the 520 folders: past the first page of the listing (500 items).
    await page.getByTestId('upload-files').setInputFiles([file('report.txt', 'the report')]);
    await panel().getByText('1 upload complete').waitFor();
    const uploaded = item(page, 'report.txt');
    await expect.poll(() => uploaded.getAttribute('aria-selected')).toBe('true');
    expect(await uploaded.isVisible()).toBe(true);
    expect(await uploaded.getAttribute('aria-posinset')).toBe('521');
    expect(await page.getByRole('listbox').getAttribute('aria-activedescendant')).toBe(await uploaded.getAttribute('id'));

    // Several files at once are not selected one after the other as they land.
    await page.getByTestId('upload-files').setInputFiles([file('a.txt', 'a'), file('b.txt', 'b')]);
    await panel().getByText('3 uploads complete').waitFor();
    await item(page, 'b.txt').waitFor();
    expect(await item(page, 'a.txt').getAttribute('aria-selected')).toBe('false');
    expect(await item(page, 'b.txt').getAttribute('aria-selected')).toBe('false');
  });

  it('asks what to do about a name clash: keep both, replace or skip', async () => {
    await api(context).upload('report.txt', 'v1');
    await page.goto('/');
    await item(page, 'report.txt').waitFor();
    const clash = () => page.getByRole('group', { name: 'report.txt already exists' });

    await page.getByTestId('upload-files').setInputFiles([file('report.txt', 'version 2')]);
    // The panel says it waits for a choice, not that it is uploading.
    await panel().getByText('1 file waits for your choice: its name is taken').waitFor();
    await clash().getByRole('button', { name: 'Keep both' }).click();
    await item(page, 'report (1).txt').waitFor();
    // The panel names the file as it was stored.
    await panel().getByText('Uploaded as “report (1).txt” · 9 B').waitFor();

    await page.getByTestId('upload-files').setInputFiles([file('report.txt', 'version three')]);
    await clash().getByRole('button', { name: 'Replace' }).click();
    await expect.poll(() => item(page, 'report.txt').getAttribute('aria-label')).toBe('report.txt, 13 B');

    await page.getByTestId('upload-files').setInputFiles([file('report.txt', 'never stored')]);
    await clash().getByRole('button', { name: 'Skip' }).click();
    await panel().getByText('Skipped').waitFor();
    expect((await api(context).children()).items.map((node) => node.name).sort()).toEqual(['report (1).txt', 'report.txt']);
  });

  it('counts a file whose name is taken as not uploaded, and offers no Replace of a folder after the refusal', async () => {
    await api(context).folder('Photos');
    await api(context).upload('notes.txt', 'old notes');
    await page.goto('/');
    await item(page, 'Photos').waitFor();
    await page.getByTestId('upload-files').setInputFiles([file('Photos', 'a file named like the folder'), file('notes.txt', 'new notes')]);
    await panel().getByText('2 files wait for your choice: their names are taken').waitFor();
    // Nothing is stored yet: the panel does not say it was all sent.
    await panel().getByText('0 B of 37 B').waitFor();
    expect(await panel().getByRole('progressbar', { name: 'Total upload progress' }).getAttribute('aria-valuenow')).toBe('0');
    expect(await panel().getByRole('progressbar', { name: 'Upload of Photos' }).getAttribute('aria-valuenow')).toBe('0');

    // A file cannot replace a folder: the refusal says so, and Replace is not offered again.
    const photos = panel().getByRole('group', { name: 'Photos already exists' });
    await photos.getByRole('button', { name: 'Replace' }).click();
    await panel().getByText('A folder named “Photos” is here: a file cannot replace it.').waitFor();
    expect(await photos.getByRole('button', { name: 'Replace' }).count()).toBe(0);
    await panel().getByRole('button', { name: 'Replace all' }).click();
    await expect.poll(async () => (await api(context).children()).items.find((node) => node.name === 'notes.txt')?.size).toBe(9);
    await panel().getByText('1 file waits for your choice: its name is taken').waitFor();
    await photos.getByRole('button', { name: 'Keep both' }).click();
    await item(page, 'Photos (1)').waitFor();
    await panel().getByText('2 uploads complete').waitFor();
  });

  it('says clearly when a file does not fit in the quota', async () => {
    await page.goto('/');
    const tooBig = Buffer.alloc(inject('quotaBytes') + 1024, 1);
    await page.getByTestId('upload-files').setInputFiles([{ name: 'huge.bin', mimeType: 'application/octet-stream', buffer: tooBig }]);
    await panel().getByRole('alert').getByText('Not enough storage: this file would exceed your quota.').waitFor();
    await panel().getByText('1 upload failed').waitFor();
    expect((await api(context).children()).total).toBe(0);
    // The failed bytes do not count as uploaded.
    await panel()
      .getByText(/^0 B of /)
      .waitFor();

    // Several failures can be tried again at once (here they fail again: the quota has not grown).
    await page.getByTestId('upload-files').setInputFiles([
      { name: 'huge-2.bin', mimeType: 'application/octet-stream', buffer: tooBig },
      { name: 'huge-3.bin', mimeType: 'application/octet-stream', buffer: tooBig },
    ]);
    await panel().getByText('3 uploads failed', { exact: true }).waitFor();
    await panel().getByRole('button', { name: 'Retry all' }).click();
    await panel().getByText('3 uploads failed', { exact: true }).waitFor();
    expect((await api(context).children()).total).toBe(0);
  });

  it('shows progress and speed, and cancels an upload in flight', async () => {
    await page.goto('/');
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 20,
      downloadThroughput: -1,
      uploadThroughput: 256 * 1024,
    });
    await page
      .getByTestId('upload-files')
      .setInputFiles([{ name: 'slow.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(4 * 1024 * 1024, 2) }]);
    await panel()
      .getByText(/KB\/s|MB\/s/)
      .first()
      .waitFor();
    const progress = panel().getByRole('progressbar', { name: 'Upload of slow.bin' });
    await expect.poll(async () => Number(await progress.getAttribute('aria-valuenow'))).toBeGreaterThan(0);
    // Leaving the page now would abandon the upload: the page asks the browser to confirm
    // (cancels beforeunload), and stops asking once nothing is left to send.
    const leavingIsHeld = () =>
      page.evaluate<boolean>(
        "(() => { const e = new Event('beforeunload', { cancelable: true }); dispatchEvent(e); return e.defaultPrevented; })()",
      );
    expect(await leavingIsHeld()).toBe(true);
    await panel().getByRole('button', { name: 'Cancel upload of slow.bin' }).click();
    await panel().getByText('Cancelled').waitFor();
    expect(await leavingIsHeld()).toBe(false);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await expect.poll(async () => (await api(context).children()).total).toBe(0);
  });

  it('uploads a whole folder from the folder picker, recreating its structure', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fileflow-e2e-folder-'));
    try {
      await mkdir(path.join(dir, 'album', '2024'), { recursive: true });
      await writeFile(path.join(dir, 'album', 'cover.txt'), 'cover');
      await writeFile(path.join(dir, 'album', '2024', 'march.txt'), 'march');
      await page.goto('/');
      await page.getByTestId('upload-folder').setInputFiles(path.join(dir, 'album'));
      await panel().getByText('2 uploads complete').waitFor();
      await item(page, 'album').dblclick();
      await item(page, 'cover.txt').waitFor();
      await item(page, '2024').dblclick();
      await item(page, 'march.txt').waitFor();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('uploads files dropped on the page, and into a folder when dropped on it', async () => {
    const inbox = await api(context).folder('Inbox');
    await page.goto('/');
    await item(page, 'Inbox').waitFor();
    await dropFiles(page.locator('.files-page'), [{ name: 'dropped.txt', text: 'from the desktop' }]);
    await item(page, 'dropped.txt').waitFor();
    await dropFiles(item(page, 'Inbox'), [{ name: 'into-folder.txt', text: 'into the folder' }]);
    await panel().getByText('2 uploads complete').waitFor();
    await expect.poll(async () => (await api(context).children(inbox.id)).items.map((node) => node.name)).toEqual(['into-folder.txt']);
    await gone(item(page, 'into-folder.txt'));

    // While files are held over a folder row, the hint names that folder; over the list, this one.
    const transfer = await page.evaluateHandle(
      `(() => { const t = new DataTransfer(); t.items.add(new File(['x'], 'held.txt')); return t; })()`,
    );
    await page.locator('.files-page').dispatchEvent('dragenter', { dataTransfer: transfer });
    await page.locator('.drop-overlay').getByText('My files').waitFor();
    // As a browser does: entering the row (inside the page), then moving over it.
    await item(page, 'Inbox').dispatchEvent('dragenter', { dataTransfer: transfer });
    await item(page, 'Inbox').dispatchEvent('dragover', { dataTransfer: transfer });
    await page.locator('.drop-overlay').getByText('Inbox').waitFor();
    await item(page, 'Inbox').dispatchEvent('dragleave', { dataTransfer: transfer });
    await page.locator('.drop-overlay').getByText('My files').waitFor();
    // Dropped on the row, the files go into it and the hint goes away (the row keeps the drop to itself).
    await item(page, 'Inbox').dispatchEvent('dragenter', { dataTransfer: transfer });
    await item(page, 'Inbox').dispatchEvent('dragover', { dataTransfer: transfer });
    await item(page, 'Inbox').dispatchEvent('drop', { dataTransfer: transfer });
    await gone(page.locator('.drop-overlay'));
    await expect
      .poll(async () => (await api(context).children(inbox.id)).items.map((node) => node.name).sort())
      .toEqual(['held.txt', 'into-folder.txt']);
  });

  it('offers no upload into a folder that is not there', async () => {
    await page.goto('/folders/00000000-0000-4000-8000-000000000000');
    await page.getByRole('navigation', { name: 'Folder path' }).getByText('Folder not found').waitFor();
    expect(await page.getByRole('button', { name: 'Upload', exact: true }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'New folder' }).isDisabled()).toBe(true);
  });

  it('creates folders and files from the toolbar in a subfolder too', async () => {
    const docs = await api(context).folder('Docs');
    await page.goto(`/folders/${docs.id}`);
    await page.getByRole('heading', { name: 'This folder is empty' }).waitFor();
    await page.getByTestId('upload-files').setInputFiles([file('inside.txt', 'in docs')]);
    await item(page, 'inside.txt').waitFor();
    expect((await api(context).children(docs.id)).items.map((node) => node.name)).toEqual(['inside.txt']);
  });
});
