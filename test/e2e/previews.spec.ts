import { readFile } from 'node:fs/promises';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { api, gradientPng } from './api.js';
import { gone, item, toast } from './pages.js';
import { signedInBeforeEach } from './setup.js';

let context: BrowserContext;
let page: Page;
signedInBeforeEach((test) => {
  ({ context, page } = test);
});

const dialog = () => page.getByRole('dialog');

/** A check, run in the page, that a media element plays the inline URL (or the details replaced it). */
const shownAs = (tag: string, id: string) =>
  `document.querySelector('${tag}[src="/api/files/${id}/content?inline=1"]') !== null || document.querySelector('.file-details') !== null`;

/**
 * Opens a file's first preview offline, once the app has started and fetched what it fetches by
 * itself, and waits for the preview to say so and offer to try again.
 */
async function previewOffline(name: string): Promise<void> {
  await page.goto('/');
  await item(page, name).waitFor();
  await page.waitForLoadState('networkidle');
  await context.setOffline(true);
  await item(page, name).dblclick();
  const failure = dialog().getByRole('alert');
  await failure.getByRole('heading', { name: 'You are offline' }).waitFor();
  await failure.getByRole('button', { name: 'Try again' }).waitFor();
}

describe('previews and downloads', () => {
  it('previews text and code in a <pre>, never as HTML', async () => {
    await api(context).upload('page.html', '<h1>not rendered</h1><script>window.pwned = 1</script>');
    await api(context).upload('notes.md', '# Notes\n\n- first\n- second\n');
    await page.goto('/');
    await item(page, 'notes.md').dblclick();
    await expect.poll(() => dialog().locator('pre').textContent()).toBe('# Notes\n\n- first\n- second\n');
    await page.keyboard.press('Escape');
    await item(page, 'page.html').dblclick();
    await expect.poll(() => dialog().locator('pre').textContent()).toContain('<script>');
    expect(await dialog().locator('h1').count()).toBe(0);
    // Browser-side snippets are strings: this project type-checks tests without the DOM library.
    expect(await page.evaluate("'pwned' in window")).toBe(false);
  });

  it("renames, shares and trashes from the preview's own buttons, and stays in the preview", async () => {
    await api(context).upload('draft.txt', 'draft');
    await api(context).upload('later.txt', 'later');
    await page.goto('/');
    await item(page, 'draft.txt').dblclick();
    await dialog().locator('pre').waitFor();
    await dialog().getByRole('button', { name: 'Rename' }).click();
    const rename = page.getByRole('dialog', { name: 'Rename file' });
    await expect.poll(() => rename.getByRole('textbox').inputValue()).toBe('draft.txt');
    await rename.getByRole('textbox').fill('final.txt');
    await rename.getByRole('button', { name: 'Rename' }).click();
    // Back in the preview, under the new name.
    await page.getByRole('dialog', { name: 'final.txt' }).locator('pre').waitFor();
    await item(page, 'final.txt').waitFor();

    await dialog().getByRole('button', { name: /Share/ }).click();
    const share = page.getByRole('dialog', { name: /Share/ });
    await share.waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'final.txt' }).locator('pre').waitFor();

    // Moving it to the trash shows the next file; trashing the last one closes the preview.
    await dialog().getByRole('button', { name: 'Move to trash' }).click();
    await page.getByRole('dialog', { name: 'later.txt' }).locator('pre').waitFor();
    await dialog().getByRole('button', { name: 'Move to trash' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await page.getByRole('heading', { name: 'This folder is empty' }).waitFor();
  });

  it('closes a preview with Back and stays in the folder; closing it otherwise leaves no step behind', async () => {
    const docs = await api(context).folder('Docs');
    await api(context).upload('inside.txt', 'inside', docs.id);
    await page.goto('/');
    await item(page, 'Docs').dblclick();
    await item(page, 'inside.txt').waitFor();
    const folderUrl = page.url();

    await item(page, 'inside.txt').dblclick();
    await dialog().locator('pre').waitFor();
    await page.goBack();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    expect(page.url()).toBe(folderUrl);
    await item(page, 'inside.txt').waitFor();

    // Closed with Escape, then Back: the folder above, not this folder again.
    await item(page, 'inside.txt').dblclick();
    await dialog().locator('pre').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    // The page steps back off the preview's entry just after it closes; a Back racing that step was
    // sometimes swallowed by it, leaving the test in the folder.
    await expect.poll(() => page.evaluate('history.state?.fileflowOverlay === undefined')).toBe(true);
    await page.goBack();
    await item(page, 'Docs').waitFor();
    expect(page.url()).not.toBe(folderUrl);

    // Forward into the folder, a preview opened and a rename from it: Back closes them both.
    await page.goForward();
    await item(page, 'inside.txt').dblclick();
    await dialog().getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('dialog', { name: 'Rename file' }).waitFor();
    await page.goBack();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    expect(page.url()).toBe(folderUrl);

    // Any dialog: Rename (F2) from the list, then Back.
    await item(page, 'inside.txt').click();
    await page.keyboard.press('F2');
    await page.getByRole('dialog', { name: 'Rename file' }).waitFor();
    await page.goBack();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    expect(page.url()).toBe(folderUrl);
  });

  it('opens the preview again on Forward after Back, and keeps it open through a reload, so no step is dead', async () => {
    await api(context).upload('again.txt', 'again');
    await page.goto('/');
    await item(page, 'again.txt').dblclick();
    const preview = page.getByRole('dialog', { name: 'again.txt' });
    await preview.locator('pre').waitFor();
    await page.goBack();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await page.goForward();
    await preview.locator('pre').waitFor();

    // Reloaded on the preview's step: the preview shows again, and Back closes it.
    await page.reload();
    await preview.locator('pre').waitFor();
    await page.goBack();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await item(page, 'again.txt').waitFor();
  });

  it('shows the file last stepped to on Forward and after a reload, not the one the preview opened on', async () => {
    await api(context).upload('portrait.png', gradientPng(30, 40));
    await api(context).upload('summary.txt', 'summary');
    await page.goto('/');
    await item(page, 'portrait.png').dblclick();
    await page.getByRole('dialog', { name: 'portrait.png' }).getByRole('img').waitFor();
    await page.keyboard.press('ArrowRight');
    const summary = page.getByRole('dialog', { name: 'summary.txt' });
    await summary.locator('pre').waitFor();

    await page.goBack();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await page.goForward();
    await summary.locator('pre').waitFor();

    // A side button is a step too, and a reload shows where it led.
    await dialog().getByRole('button', { name: 'Next file' }).click();
    await page.getByRole('dialog', { name: 'portrait.png' }).getByRole('img').waitFor();
    await page.keyboard.press('ArrowRight');
    await summary.locator('pre').waitFor();
    await page.reload();
    await summary.locator('pre').waitFor();
    await dialog().getByText('2 of 2').waitFor();
  });

  it('says a file trashed elsewhere is no longer here, instead of previewing it again on a reload or Forward', async () => {
    const client = api(context);
    const portrait = await client.upload('portrait.png', gradientPng(30, 40));
    const notes = await client.upload('notes.txt', 'notes');
    await page.goto('/');
    await item(page, 'portrait.png').dblclick();
    await page.getByRole('dialog', { name: 'portrait.png' }).getByRole('img').waitFor();
    // Trashed in another tab while the preview is open.
    await client.trash(portrait.id);
    await page.reload();
    await toast(page, '“portrait.png” is no longer here: it was moved to the trash or deleted.');
    await item(page, 'notes.txt').waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(new URL(page.url()).pathname).toBe('/');

    await item(page, 'notes.txt').dblclick();
    await page.getByRole('dialog', { name: 'notes.txt' }).locator('pre').waitFor();
    await page.goBack();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await client.trash(notes.id);
    await page.goForward();
    await toast(page, '“notes.txt” is no longer here: it was moved to the trash or deleted.');
    await page.waitForTimeout(300);
    expect(await page.getByRole('dialog').count()).toBe(0);
  });

  it('keeps an Undo within reach over a preview, for as long as the pointer rests on it', async () => {
    await api(context).upload('one.txt', 'one');
    await api(context).upload('two.txt', 'two');
    await page.goto('/');
    await item(page, 'one.txt').dblclick();
    await page.getByRole('dialog', { name: 'one.txt' }).locator('pre').waitFor();
    await dialog().getByRole('button', { name: 'Move to trash' }).click();
    await page.getByRole('dialog', { name: 'two.txt' }).locator('pre').waitFor();
    const undo = page.getByRole('button', { name: 'Undo' });
    await undo.hover();
    // Longer than a toast with an action stays (8 s) when nothing rests on it.
    await page.waitForTimeout(9000);
    await undo.click();
    await toast(page, 'Restored “one.txt”.');
    await page.keyboard.press('Escape');
    await item(page, 'one.txt').waitFor();
  });

  it('previews images and steps to the next file with the arrow keys', async () => {
    await api(context).upload('a-picture.png', gradientPng(40, 30));
    await api(context).upload('b-notes.txt', 'second file');
    await page.goto('/');
    await item(page, 'a-picture.png').dblclick();
    await dialog().getByRole('img', { name: 'a-picture.png' }).waitFor();
    await expect.poll(() => page.evaluate("document.querySelector('dialog img')?.naturalWidth")).toBe(40);
    await page.keyboard.press('ArrowRight');
    await dialog().getByRole('heading', { name: 'b-notes.txt' }).waitFor();
    await expect.poll(() => dialog().locator('pre').textContent()).toBe('second file');
  });

  it('embeds PDFs and uses native players for video and audio, pointing at the inline content URL', async () => {
    const pdf = await api(context).upload('report.pdf', '%PDF-1.4\n%%EOF\n');
    const video = await api(context).upload('clip.mp4', Buffer.alloc(64, 0));
    const audio = await api(context).upload('song.mp3', Buffer.alloc(64, 0));
    await page.goto('/');
    await item(page, 'report.pdf').dblclick();
    expect(await dialog().locator('iframe').getAttribute('src')).toBe(`/api/files/${pdf.id}/content?inline=1`);
    // The PDF frame may hold the keyboard focus; the close button always works.
    await dialog().getByRole('button', { name: 'Close' }).click();
    await item(page, 'clip.mp4').dblclick();
    // The bytes are not a real video: the player is offered, then the details with a download.
    await expect.poll(() => page.evaluate(shownAs('video', video.id))).toBe(true);
    await dialog().getByRole('button', { name: 'Close' }).click();
    await item(page, 'song.mp3').dblclick();
    await expect.poll(() => page.evaluate(shownAs('audio', audio.id))).toBe(true);
  });

  it('opens a first preview offline, saying so, and loads it by itself once back online', async () => {
    await api(context).upload('notes.txt', 'kept notes');
    await previewOffline('notes.txt');
    expect(await dialog().getByText('Failed to fetch').count()).toBe(0);
    await context.setOffline(false);
    await expect.poll(() => dialog().locator('pre').textContent(), { timeout: 10_000 }).toBe('kept notes');
    expect(await dialog().getByRole('alert').count()).toBe(0);
  });

  it('says a picture or a PDF cannot be previewed offline, instead of a dead end, and shows it once back online', async () => {
    const pdf = await api(context).upload('b-report.pdf', '%PDF-1.4\n%%EOF\n');
    await api(context).upload('a-picture.png', gradientPng(40, 30));
    await previewOffline('a-picture.png');
    // Not the details of a file the browser cannot show: this one it can, once it gets it.
    expect(await dialog().locator('.file-details').count()).toBe(0);
    await context.setOffline(false);
    await expect.poll(() => page.evaluate("document.querySelector('dialog img')?.naturalWidth"), { timeout: 10_000 }).toBe(40);

    await context.setOffline(true);
    await page.keyboard.press('ArrowRight');
    await page.getByRole('dialog', { name: 'b-report.pdf' }).getByRole('alert').getByRole('heading', { name: 'You are offline' }).waitFor();
    // No frame showing the browser's own error page.
    expect(await dialog().locator('iframe').count()).toBe(0);
    await context.setOffline(false);
    expect(await dialog().locator('iframe').getAttribute('src', { timeout: 10_000 })).toBe(`/api/files/${pdf.id}/content?inline=1`);
  });

  it('says the server cannot be reached when a text preview cannot load, and loads it by itself once it answers', async () => {
    await api(context).upload('notes.txt', 'kept notes');
    await page.goto('/');
    await item(page, 'notes.txt').waitFor();
    // The server is gone: nothing under /api answers, its health check included.
    await page.route('**/api/**', (route) => route.abort());
    await item(page, 'notes.txt').dblclick();
    const failure = dialog().getByRole('alert');
    await failure.getByRole('heading', { name: 'Cannot reach the server' }).waitFor();
    // Trying again while it is still gone says the same.
    await failure.getByRole('button', { name: 'Try again' }).click();
    await failure.getByRole('heading', { name: 'Cannot reach the server' }).waitFor();
    await page.unroute('**/api/**');
    await expect.poll(() => dialog().locator('pre').textContent(), { timeout: 10_000 }).toBe('kept notes');
  });

  it('says a dialog whose module cannot be fetched could not load, keeps the app working, and opens it on Try again', async () => {
    await api(context).upload('notes.txt', 'kept notes');
    // The modules of the preview and the Share dialog cannot be fetched (the app started offline,
    // or a new deployment renamed them), from their preload at start-up on.
    const modules = (url: URL) => /\/assets\/(PreviewDialog|ShareDialog)-[^/]*\.js$/.test(url.pathname);
    await page.route(modules, (route) => route.abort());
    await page.goto('/');
    await item(page, 'notes.txt').dblclick();
    const failure = page.getByRole('dialog', { name: 'Could not load this part of FileFlow' });
    await failure.getByRole('alert').getByRole('button', { name: 'Try again' }).waitFor();
    await failure.getByRole('button', { name: 'Close' }).click();
    await gone(failure);

    // The app is still there: the Share dialog says the same, and Try again asks the server again.
    await item(page, 'notes.txt').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Share link…' }).click();
    await failure.getByRole('alert').waitFor();
    const askedAgain = page.waitForEvent('requestfailed', (request) => /\/ShareDialog-/.test(request.url()));
    await failure.getByRole('button', { name: 'Try again' }).click();
    await askedAgain;
    await failure.getByRole('alert').waitFor();

    // Once the modules can be fetched, Try again opens the dialog, and the preview opens too.
    await page.unroute(modules);
    await failure.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('dialog', { name: 'Share “notes.txt”' }).waitFor();
    await page.keyboard.press('Escape');
    await gone(page.getByRole('dialog'));
    await item(page, 'notes.txt').dblclick();
    await expect.poll(() => dialog().locator('pre').textContent()).toBe('kept notes');
  });

  it("says a PDF trashed meanwhile is no longer here when it is opened in a new tab, instead of the tab showing the server's refusal", async () => {
    const pdf = await api(context).upload('report.pdf', '%PDF-1.4\n%%EOF\n');
    await page.goto('/');
    await item(page, 'report.pdf').dblclick();
    const openInTab = dialog().getByRole('link', { name: 'Open the PDF in a new tab' });
    const popup = page.waitForEvent('popup');
    await openInTab.click();
    const tab = await popup;
    await tab.waitForURL(`**/api/files/${pdf.id}/content?inline=1`, { waitUntil: 'commit' });
    await tab.close();

    await api(context).trash(pdf.id);
    await openInTab.click();
    await toast(page, '“report.pdf” is no longer here: it was moved to the trash or deleted.');
    await gone(dialog());
    await page.getByRole('heading', { name: 'This folder is empty' }).waitFor();
    await expect.poll(() => context.pages().length).toBe(1);
  });

  it('shows details and a download button for files it cannot preview', async () => {
    await api(context).upload('data.bin', Buffer.alloc(2048, 9));
    await page.goto('/');
    await item(page, 'data.bin').dblclick();
    await dialog().locator('.file-details dd', { hasText: '2.00 KB' }).waitFor();
    const download = page.waitForEvent('download');
    await dialog().locator('.file-details').getByRole('link', { name: 'Download' }).click();
    expect((await download).suggestedFilename()).toBe('data.bin');
  });

  it('downloads a file and a folder as a zip from the context menu', async () => {
    const folder = await api(context).folder('Reports');
    await api(context).upload('inside.txt', 'in the zip', folder.id);
    await api(context).upload('hello.txt', 'hello, download');
    await page.goto('/');

    await item(page, 'hello.txt').click({ button: 'right' });
    let download = page.waitForEvent('download');
    await page.getByRole('menuitem', { name: 'Download', exact: true }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('hello.txt');
    expect(await readFile((await file.path()) ?? '', 'utf8')).toBe('hello, download');

    await item(page, 'Reports').click({ button: 'right' });
    download = page.waitForEvent('download');
    await page.getByRole('menuitem', { name: 'Download as zip' }).click();
    const zip = await download;
    expect(zip.suggestedFilename()).toMatch(/^Reports.*\.zip$/);
    expect((await readFile((await zip.path()) ?? '')).subarray(0, 2).toString()).toBe('PK');

    // Several selected items come as one zip of the selection.
    await item(page, 'hello.txt').click();
    await item(page, 'Reports').click({ modifiers: ['ControlOrMeta'] });
    await item(page, 'Reports').click({ button: 'right' });
    download = page.waitForEvent('download');
    await page.getByRole('menuitem', { name: 'Download as zip' }).click();
    const selection = await download;
    expect(selection.suggestedFilename()).toBe('FileFlow.zip');
    const bytes = await readFile((await selection.path()) ?? '');
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
    expect(bytes.includes(Buffer.from('Reports/inside.txt'))).toBe(true);
    expect(bytes.includes(Buffer.from('hello.txt'))).toBe(true);
  });

  it('says a file or folder trashed meanwhile is no longer here when it is downloaded, instead of starting a failing download', async () => {
    const client = api(context);
    const memo = await client.upload('memo.txt', 'the memo');
    const folder = await client.folder('Archive');
    await client.upload('old.txt', 'old', folder.id);
    const notes = await client.upload('notes.txt', 'notes');
    const data = await client.upload('data.bin', Buffer.alloc(64, 9));
    const kept = await client.upload('kept.txt', 'kept');
    const lost = await client.upload('lost.txt', 'lost');
    const other = await client.upload('other.txt', 'other');
    await page.goto('/');
    const download = async (name: string, entry: string) => {
      await item(page, name).click({ button: 'right' });
      await page.getByRole('menuitem', { name: entry, exact: true }).click();
    };
    const saved = page.waitForEvent('download');
    await download('memo.txt', 'Download');
    expect((await saved).suggestedFilename()).toBe('memo.txt');

    const downloads: string[] = [];
    page.on('download', (each) => downloads.push(each.suggestedFilename()));
    await client.trash(memo.id);
    await download('memo.txt', 'Download');
    await toast(page, '“memo.txt” is no longer here: it was moved to the trash or deleted.');
    await gone(item(page, 'memo.txt'));
    // A folder's zip is asked the same way.
    await client.trash(folder.id);
    await download('Archive', 'Download as zip');
    await toast(page, '“Archive” is no longer here: it was moved to the trash or deleted.');
    await gone(item(page, 'Archive'));
    // From a preview, which then closes.
    await item(page, 'notes.txt').dblclick();
    await dialog().locator('pre').waitFor();
    await client.trash(notes.id);
    await dialog().getByRole('button', { name: 'Download' }).click();
    await toast(page, '“notes.txt” is no longer here: it was moved to the trash or deleted.');
    await gone(dialog());
    await gone(item(page, 'notes.txt'));
    // From the details of a file it cannot preview.
    await item(page, 'data.bin').dblclick();
    await client.trash(data.id);
    await dialog().locator('.file-details').getByRole('link', { name: 'Download' }).click();
    await toast(page, '“data.bin” is no longer here: it was moved to the trash or deleted.');
    await gone(dialog());
    await gone(item(page, 'data.bin'));
    // A selection's zip (not all of the folder), one of whose items is gone.
    await item(page, 'kept.txt').click();
    await item(page, 'lost.txt').click({ modifiers: ['ControlOrMeta'] });
    await client.trash(lost.id);
    await download('lost.txt', 'Download as zip');
    await toast(page, 'Some of these items are no longer here: they were moved to the trash or deleted.');
    await gone(item(page, 'lost.txt'));
    await page.waitForTimeout(300);
    expect(downloads).toEqual([]);
    expect((await client.children()).items.map((node) => node.id)).toEqual([kept.id, other.id]);
  });
});
