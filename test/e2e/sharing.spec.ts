import type { BrowserContext, Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { api, gradientPng } from './api.js';
import type { E2E } from './browser.js';
import { gone, item, toast } from './pages.js';
import { signedInBeforeEach } from './setup.js';

let e2e: E2E;
let context: BrowserContext;
let page: Page;
signedInBeforeEach((test) => {
  ({ e2e, context, page } = test);
});

/** A page in a fresh context with no session: what a link's recipient sees. */
async function visitor(): Promise<Page> {
  return (await e2e.newContext()).newPage();
}

/** A visitor on the page of a new link to a new file, limited to `maxDownloads`. */
async function visitLimitedFile(name: string, body: string | Buffer, maxDownloads: number): Promise<{ guest: Page; token: string }> {
  const file = await api(context).upload(name, body);
  const { token } = await api(context).share(file.id, { maxDownloads });
  const guest = await visitor();
  await guest.goto(`/s/${token}`);
  return { guest, token };
}

/** A visitor on the link to a new folder of `count` files named `prefix-000.txt` on, its first page shown. */
async function visitBigFolder(name: string, prefix: string, count: number) {
  const client = api(context);
  const folder = await client.folder(name);
  const names = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}.txt`);
  for (let i = 0; i < names.length; i += 25) {
    await Promise.all(names.slice(i, i + 25).map((each) => client.upload(each, each, folder.id)));
  }
  const share = await client.share(folder.id);
  const guest = await visitor();
  await guest.goto(`/s/${share.token}`);
  const list = guest.getByRole('list', { name: `Contents of ${name}` });
  await list.getByRole('button', { name: new RegExp(`${prefix}-199\\.txt`) }).waitFor();
  return { guest, share, list };
}

/** A visitor, and the names of the files its browser saves. */
async function visitorSavingDownloads(): Promise<{ guest: Page; downloads: string[] }> {
  const guest = await visitor();
  const downloads: string[] = [];
  guest.on('download', (download) => downloads.push(download.suggestedFilename()));
  return { guest, downloads };
}

/**
 * A visitor of links to a node: `openThenRevoke` opens a new one, waits for `loaded`, and has the
 * owner revoke it. `downloads` lists the files the visitor's browser saved.
 */
async function visitorOfRevokedLinks(nodeId: string) {
  const { guest, downloads } = await visitorSavingDownloads();
  const openThenRevoke = async (loaded: Locator) => {
    const link = await api(context).share(nodeId);
    await guest.goto(`/s/${link.token}`);
    await loaded.waitFor();
    await api(context).revokeShare(link.id);
  };
  return { guest, downloads, openThenRevoke };
}

/** Waits for the page to say the link is not found, and checks it says only that and saved nothing. */
async function onlyLinkNotFound(guest: Page, downloads: string[]): Promise<void> {
  await guest.getByRole('heading', { name: 'Link not found' }).waitFor();
  expect(await guest.getByRole('alert').count()).toBe(0);
  expect(await guest.getByRole('dialog').count()).toBe(0);
  expect(downloads).toEqual([]);
}

describe('share links', () => {
  it('creates a password-protected link that a visitor unlocks and downloads from', async () => {
    await api(context).upload('plan.txt', 'the plan');
    await page.goto('/');
    await item(page, 'plan.txt').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Share link…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Share “plan.txt”' });
    await dialog.getByLabel('Password (optional)').fill('open sesame');
    await dialog.getByLabel('Download limit (optional)').fill('5');
    await dialog.getByLabel('Expires after').selectOption({ label: '30 days' });
    await dialog.getByRole('button', { name: 'Create link' }).click();
    const url = await dialog.getByLabel('Share link').inputValue();
    expect(url).toMatch(/\/s\/[A-Za-z0-9_-]{40,}$/);
    // What the new link asks and allows; the form starts over for another link.
    await dialog.getByText('Anyone with this link and its password can download this file, 5 times at most.').waitFor();
    expect(await dialog.getByLabel('Expires after').inputValue()).toBe('7');
    expect(await dialog.getByLabel('Password (optional)').inputValue()).toBe('');
    expect(await dialog.getByLabel('Download limit (optional)').inputValue()).toBe('');
    // The new address has the focus, ready to copy.
    await expect.poll(() => page.evaluate("document.activeElement?.getAttribute('aria-label')")).toBe('Share link');
    await dialog.locator('.share-item').getByText('Password').waitFor();

    const guest = await visitor();
    await guest.goto(url);
    await guest.getByText('This link is protected by a password.').waitFor();
    await guest.getByLabel('Password').fill('wrong');
    await guest.getByRole('button', { name: 'Unlock' }).click();
    await guest.getByRole('alert').getByText('That password is not right.').waitFor();
    await guest.getByLabel('Password').fill('open sesame');
    await guest.getByRole('button', { name: 'Unlock' }).click();
    await guest.getByRole('heading', { name: 'plan.txt' }).waitFor();
    const download = guest.waitForEvent('download');
    await guest.getByRole('link', { name: 'Download' }).click();
    expect((await download).suggestedFilename()).toBe('plan.txt');
    // The unlock lasts: a reload does not ask for the password again.
    await guest.reload();
    await guest.getByRole('heading', { name: 'plan.txt' }).waitFor();
    expect(await guest.getByText('This link is protected by a password.').count()).toBe(0);
    await guest.context().close();

    // Every link's address can be copied again later, also one made elsewhere (here through the
    // API, so this browser never saw it): the server keeps it sealed.
    const elsewhere = await api(context).share((await api(context).upload('elsewhere.txt', 'x')).id);
    await page.goto('/shared');
    const row = page.locator('.shared-item').filter({ hasText: 'plan.txt' });
    await row.getByRole('button', { name: 'Copy link' }).waitFor();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.locator('.shared-item').filter({ hasText: 'elsewhere.txt' }).getByRole('button', { name: 'Copy link' }).click();
    await page.locator('.shared-item').filter({ hasText: 'elsewhere.txt' }).getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(elsewhere.url);
    // Signing out forgets them (a shared computer).
    await page.getByRole('button', { name: /Account/ }).click();
    await page.getByRole('menuitem', { name: /^Sign out/ }).click();
    await page.waitForURL(/\/login/);
    expect(await page.evaluate("localStorage.getItem('fileflow.shareLinks')")).toBeNull();
  });

  it('lets a visitor browse a shared folder, preview a file and get the zip', async () => {
    const client = api(context);
    const folder = await client.folder('Holiday');
    const sub = await client.folder('Day 1', folder.id);
    await client.upload('itinerary.txt', 'fly, swim, eat', folder.id);
    await client.upload('beach.txt', 'sand', sub.id);
    const long = `${'Photos of every beach we walked along on that long summer holiday '.repeat(2)}2024-08-15.zip`;
    await client.upload(long, 'zip', folder.id);
    const share = await client.share(folder.id);

    const guest = await visitor();
    // A public page does not ask who is signed in (a visitor's browser would log the 401).
    const sessionChecks: string[] = [];
    guest.on('request', (request) => {
      if (['/api/me', '/api/auth/session'].includes(new URL(request.url()).pathname)) {
        sessionChecks.push(request.url());
      }
    });
    await guest.goto(`/s/${share.token}`);
    // A long name is cut in the middle: its end stays in sight.
    const tail = guest.locator('.public-item').filter({ hasText: '2024-08-15.zip' }).locator('.truncated-tail');
    expect(await tail.textContent()).toBe('2024-08-15.zip');
    expect(await tail.isVisible()).toBe(true);
    await guest.getByRole('button', { name: /Day 1/ }).click();
    await guest.getByRole('button', { name: /beach\.txt/ }).waitFor();
    // The folder is in the address: a reload stays in it, and Back returns to the shared folder.
    expect(new URL(guest.url()).searchParams.get('folder')).toBe(sub.id);
    await guest.reload();
    await guest.getByRole('button', { name: /beach\.txt/ }).waitFor();
    await guest.getByRole('navigation', { name: 'Folder path' }).getByText('Day 1').waitFor();
    await guest.goBack();
    await guest.getByRole('button', { name: /itinerary\.txt/ }).waitFor();
    expect(new URL(guest.url()).pathname).toBe(`/s/${share.token}`);
    await guest.getByRole('button', { name: /Day 1/ }).click();
    await guest.getByRole('button', { name: /beach\.txt/ }).waitFor();
    // Inside a subfolder, the zip is of that subfolder.
    expect(await guest.getByRole('link', { name: 'Download “Day 1” (zip)' }).getAttribute('href')).toBe(
      `/api/public/shares/${share.token}/zip?folderId=${sub.id}`,
    );
    await guest.getByRole('navigation', { name: 'Folder path' }).getByRole('button', { name: 'Holiday' }).click();
    await guest.getByRole('button', { name: /itinerary\.txt/ }).click();
    await expect.poll(() => guest.getByRole('dialog').locator('pre').textContent()).toBe('fly, swim, eat');
    await guest.keyboard.press('Escape');
    // Back closes a preview and stays in the folder.
    const at = guest.url();
    await guest.getByRole('button', { name: /itinerary\.txt/ }).click();
    await guest.getByRole('dialog').locator('pre').waitFor();
    await guest.goBack();
    await expect.poll(() => guest.getByRole('dialog').count()).toBe(0);
    expect(guest.url()).toBe(at);
    expect(sessionChecks).toEqual([]);
    expect(await guest.getByRole('link', { name: 'Download all (zip)' }).getAttribute('href')).toBe(
      `/api/public/shares/${share.token}/zip`,
    );
    await guest.context().close();
  });

  it("steps through a shared folder's files in the preview, as a signed-in preview does", async () => {
    const client = api(context);
    const folder = await client.folder('Notes');
    await client.folder('Inner', folder.id);
    const first = await client.upload('a-first.txt', 'first', folder.id);
    const second = await client.upload('b-second.txt', 'second', folder.id);
    const share = await client.share(folder.id);

    const guest = await visitor();
    await guest.goto(`/s/${share.token}`);
    await guest.getByRole('button', { name: /a-first\.txt/ }).click();
    const dialog = guest.getByRole('dialog');
    await expect.poll(() => dialog.locator('pre').textContent()).toBe('first');
    // Files only: the subfolder is not a step.
    await dialog.getByText('1 of 2').waitFor();
    await dialog.getByRole('button', { name: 'Next file' }).click();
    await guest.getByRole('dialog', { name: 'b-second.txt' }).waitFor();
    await expect.poll(() => dialog.locator('pre').textContent()).toBe('second');
    await guest.keyboard.press('ArrowRight');
    await guest.getByRole('dialog', { name: 'a-first.txt' }).waitFor();
    await dialog.getByRole('button', { name: 'Previous file' }).click();
    await guest.getByRole('dialog', { name: 'b-second.txt' }).waitFor();
    // Its Download is of the file shown, through the link.
    expect(await dialog.getByRole('link', { name: 'Download b-second.txt' }).getAttribute('href')).toBe(
      `/api/public/shares/${share.token}/files/${second.id}/content`,
    );
    const download = guest.waitForEvent('download');
    await dialog.getByRole('link', { name: 'Download b-second.txt' }).click();
    expect((await download).suggestedFilename()).toBe('b-second.txt');
    await guest.keyboard.press('ArrowRight');
    expect(await dialog.getByRole('link', { name: 'Download a-first.txt' }).getAttribute('href')).toBe(
      `/api/public/shares/${share.token}/files/${first.id}/content`,
    );
    await guest.context().close();
  });

  it('shows the shared file last stepped to on Forward and after a reload', async () => {
    const client = api(context);
    const folder = await client.folder('Album');
    await client.upload('a-first.txt', 'first', folder.id);
    await client.upload('b-second.txt', 'second', folder.id);
    const share = await client.share(folder.id);

    const guest = await visitor();
    await guest.goto(`/s/${share.token}`);
    await guest.getByRole('button', { name: /a-first\.txt/ }).click();
    const dialog = guest.getByRole('dialog');
    await expect.poll(() => dialog.locator('pre').textContent()).toBe('first');
    await guest.keyboard.press('ArrowRight');
    await expect.poll(() => dialog.locator('pre').textContent()).toBe('second');
    await guest.goBack();
    await expect.poll(() => dialog.count()).toBe(0);
    await guest.goForward();
    await guest.getByRole('dialog', { name: 'b-second.txt' }).waitFor();
    await expect.poll(() => dialog.locator('pre').textContent()).toBe('second');

    await dialog.getByRole('button', { name: 'Previous file' }).click();
    await expect.poll(() => dialog.locator('pre').textContent()).toBe('first');
    await guest.reload();
    await guest.getByRole('dialog', { name: 'a-first.txt' }).waitFor();
    await expect.poll(() => dialog.locator('pre').textContent()).toBe('first');
    await guest.context().close();
  });

  it('says a shared file trashed meanwhile is no longer available, instead of previewing it again on a reload or Forward', async () => {
    const client = api(context);
    const folder = await client.folder('Drafts');
    const first = await client.upload('first.txt', 'first', folder.id);
    const second = await client.upload('second.txt', 'second', folder.id);
    const share = await client.share(folder.id);
    const guest = await visitor();
    await guest.goto(`/s/${share.token}`);
    const dialog = guest.getByRole('dialog');
    await guest.getByRole('button', { name: /first\.txt/ }).click();
    await expect.poll(() => dialog.locator('pre').textContent()).toBe('first');
    // The owner trashes it while the preview is open.
    await client.trash(first.id);
    await guest.reload();
    await toast(guest, '“first.txt” is no longer available: it was removed from this shared folder.');
    expect(await dialog.count()).toBe(0);
    expect(new URL(guest.url()).pathname).toBe(`/s/${share.token}`);

    await guest.getByRole('button', { name: /second\.txt/ }).click();
    await expect.poll(() => dialog.locator('pre').textContent()).toBe('second');
    await guest.goBack();
    await expect.poll(() => dialog.count()).toBe(0);
    await client.trash(second.id);
    await guest.goForward();
    await toast(guest, '“second.txt” is no longer available: it was removed from this shared folder.');
    await guest.waitForTimeout(300);
    expect(await dialog.count()).toBe(0);
    await guest.context().close();
  });

  it('opens a link, and a folder in it, by itself once the server can be reached again', async () => {
    const client = api(context);
    const folder = await client.folder('Trip');
    const inner = await client.folder('Maps', folder.id);
    await client.upload('route.txt', 'north', inner.id);
    const share = await client.share(folder.id);
    const guest = await visitor();
    // The page itself loads; its requests to the server do not get through.
    await guest.route('**/api/**', (route) => route.abort());
    await guest.goto(`/s/${share.token}`);
    await guest.getByRole('heading', { name: 'Cannot reach the server' }).waitFor();
    await guest.getByRole('button', { name: 'Try again' }).waitFor();
    await guest.unroute('**/api/**');
    await guest.getByRole('button', { name: /Maps/ }).waitFor({ timeout: 10_000 });

    await guest.context().setOffline(true);
    await guest.getByRole('button', { name: /Maps/ }).click();
    await guest.getByRole('alert').getByRole('button', { name: 'Try again' }).waitFor();
    await guest.locator('.connection-notice').getByText('You are offline').waitFor();
    await guest.context().setOffline(false);
    await guest.getByRole('button', { name: /route\.txt/ }).waitFor();
    await guest.context().close();
  });

  it("says a link's page could not load when its module cannot be fetched, and shows the page on Try again", async () => {
    const file = await api(context).upload('brochure.txt', 'the brochure');
    const { token } = await api(context).share(file.id);
    const guest = await visitor();
    // The page's module cannot be fetched (offline, or a new deployment renamed it).
    const pageModule = (url: URL) => /\/assets\/PublicSharePage-[^/]*\.js$/.test(url.pathname);
    await guest.route(pageModule, (route) => route.abort());
    await guest.goto(`/s/${token}`);
    const failure = guest.getByRole('alert');
    await failure.getByRole('heading', { name: 'Could not load this part of FileFlow' }).waitFor();
    const askedAgain = guest.waitForEvent('requestfailed', (request) => /\/PublicSharePage-/.test(request.url()));
    await failure.getByRole('button', { name: 'Try again' }).click();
    await askedAgain;
    await failure.getByRole('button', { name: 'Try again' }).waitFor();

    await guest.unroute(pageModule);
    await failure.getByRole('button', { name: 'Try again' }).click();
    await guest.getByRole('heading', { name: 'brochure.txt' }).waitFor();
    await guest.getByRole('link', { name: 'Download' }).waitFor();
    await guest.context().close();
  });

  it("says the browser is offline when a shared text file's preview cannot load, and loads it by itself once back online", async () => {
    const file = await api(context).upload('readme.txt', 'read me first');
    const { token } = await api(context).share(file.id);
    const guest = await visitor();
    await guest.goto(`/s/${token}`);
    await guest.getByRole('heading', { name: 'readme.txt' }).waitFor();
    await guest.context().setOffline(true);
    await guest.getByRole('button', { name: 'Preview' }).click();
    const failure = guest.locator('.preview-stage').getByRole('alert');
    await failure.getByRole('heading', { name: 'You are offline' }).waitFor();
    await failure.getByRole('button', { name: 'Try again' }).waitFor();
    expect(await guest.getByText('Failed to fetch').count()).toBe(0);
    await guest.context().setOffline(false);
    await expect.poll(() => guest.locator('.preview-stage pre').textContent(), { timeout: 10_000 }).toBe('read me first');
    await guest.context().close();
  });

  it("shows only that a shared folder's link is gone when it is revoked or expires while a visitor browses it", async () => {
    const client = api(context);
    const folder = await client.folder('Team');
    await client.folder('Plans', folder.id);
    await client.upload('roadmap.txt', 'q3', folder.id);
    const revoked = await client.share(folder.id);
    const expiring = await client.share(folder.id, { expiresAt: new Date(Date.now() + 4000).toISOString() });
    const contents = (guest: Page) => guest.getByRole('list', { name: /^Contents of / });

    const guest = await visitor();
    await guest.goto(`/s/${revoked.token}`);
    await guest.getByRole('button', { name: /roadmap\.txt/ }).waitFor();
    await client.revokeShare(revoked.id);
    await guest.getByRole('button', { name: /Plans/ }).click();
    await guest.getByRole('heading', { name: 'Link not found' }).waitFor();
    // Nothing of the folder shown before is left to click, and no error about a folder.
    expect(await contents(guest).count()).toBe(0);
    expect(await guest.getByRole('button', { name: /roadmap\.txt/ }).count()).toBe(0);
    expect(await guest.getByRole('alert').count()).toBe(0);

    await guest.goto(`/s/${expiring.token}`);
    await guest.getByRole('button', { name: /roadmap\.txt/ }).waitFor();
    await expect
      .poll(async () => (await guest.request.get(`/api/public/shares/${expiring.token}`)).status(), { timeout: 10_000 })
      .toBe(410);
    await guest.getByRole('button', { name: /Plans/ }).click();
    await guest.getByRole('heading', { name: 'This link has expired' }).waitFor();
    expect(await contents(guest).count()).toBe(0);
    expect(await guest.getByRole('alert').count()).toBe(0);
    await guest.context().close();
  });

  it('says only that the link is gone when Forward would show a preview again after the link was revoked', async () => {
    const client = api(context);
    const folder = await client.folder('Letters');
    await client.upload('letter.txt', 'dear visitor', folder.id);
    const share = await client.share(folder.id);
    const guest = await visitor();
    await guest.goto(`/s/${share.token}`);
    await guest.getByRole('button', { name: /letter\.txt/ }).click();
    await expect.poll(() => guest.getByRole('dialog').locator('pre').textContent()).toBe('dear visitor');
    await guest.goBack();
    await gone(guest.getByRole('dialog'));
    await client.revokeShare(share.id);
    await guest.goForward();
    await guest.getByRole('heading', { name: 'Link not found' }).waitFor();
    expect(await guest.getByRole('dialog').count()).toBe(0);
    expect(await guest.locator('.toast').count()).toBe(0);
    await guest.context().close();
  });

  it('shows why a shared subfolder cannot be opened instead of the folder it was opened from', async () => {
    const client = api(context);
    const folder = await client.folder('Trip');
    const gone = await client.folder('Old plans', folder.id);
    await client.folder('Maps', folder.id);
    await client.upload('packing.txt', 'socks', folder.id);
    const share = await client.share(folder.id);
    const guest = await visitor();
    const contents = guest.getByRole('list', { name: /^Contents of / });
    await guest.goto(`/s/${share.token}`);
    await guest.getByRole('button', { name: /packing\.txt/ }).waitFor();

    // Offline: the error in place of the list, not over the list of the folder above.
    await guest.context().setOffline(true);
    await guest.getByRole('button', { name: /Maps/ }).click();
    await guest.getByRole('alert').getByRole('heading', { name: 'You are offline' }).waitFor();
    await guest.getByRole('alert').getByRole('button', { name: 'Try again' }).waitFor();
    expect(await contents.getByRole('button').count()).toBe(0);
    await guest.context().setOffline(false);
    await guest.getByRole('heading', { name: 'This folder is empty' }).waitFor();
    await guest.getByRole('navigation', { name: 'Folder path' }).getByRole('button', { name: 'Trip' }).click();

    // A subfolder the owner trashed meanwhile (the link still works): not found, and a way back.
    await client.trash(gone.id);
    await guest.getByRole('button', { name: /Old plans/ }).click();
    await guest.getByRole('alert').getByRole('heading', { name: 'Not found' }).waitFor();
    expect(await contents.getByRole('button').count()).toBe(0);
    await guest.getByRole('alert').getByRole('button', { name: 'Go to the shared folder' }).click();
    await guest.getByRole('button', { name: /packing\.txt/ }).waitFor();
    expect(new URL(guest.url()).search).toBe('');
    await guest.context().close();
  });

  it("keeps a shared folder's items when its next page cannot be loaded offline, and shows only that the link is gone once revoked", async () => {
    const client = api(context);
    const { guest, share, list } = await visitBigFolder('Archive', 'page', 201);
    await guest.context().setOffline(true);
    await guest.getByRole('button', { name: 'Show more (1 more)' }).click();
    await guest.locator('.connection-notice').getByText('You are offline').waitFor();
    // Still this folder's items, under the notice that says they are what was loaded; no error over them.
    expect(await list.getByRole('listitem').count()).toBe(200);
    expect(await guest.getByRole('alert').count()).toBe(0);
    await guest.context().setOffline(false);
    await list.getByRole('button', { name: /page-200\.txt/ }).waitFor();
    await gone(guest.locator('.connection-notice'));

    // Revoked meanwhile: the next page finds the link gone, and that is all the page shows.
    await guest.reload();
    await list.getByRole('button', { name: /page-199\.txt/ }).waitFor();
    await client.revokeShare(share.id);
    await guest.getByRole('button', { name: 'Show more (1 more)' }).click();
    await guest.getByRole('heading', { name: 'Link not found' }).waitFor();
    expect(await list.count()).toBe(0);
    expect(await guest.getByRole('alert').count()).toBe(0);
    await guest.context().close();
  });

  it('shows every item of a big shared folder, a page at a time', async () => {
    const { guest, list } = await visitBigFolder('Scans', 'scan', 230);
    expect(await list.getByRole('listitem').count()).toBe(200);
    await guest.getByRole('button', { name: 'Show more (30 more)' }).click();
    await list.getByRole('button', { name: /scan-229\.txt/ }).waitFor();
    expect(await list.getByRole('listitem').count()).toBe(230);
    expect(await guest.getByRole('button', { name: /Show more/ }).count()).toBe(0);
    await guest.context().close();
  });

  it('explains a link that is used up, and one that was revoked', async () => {
    const client = api(context);
    const file = await client.upload('once.txt', 'only once');
    const limited = await client.share(file.id, { maxDownloads: 1 });
    const revoked = await client.share(file.id);

    const guest = await visitor();
    expect((await guest.request.get(`/api/public/shares/${limited.token}/content`)).status()).toBe(200);
    await guest.goto(`/s/${limited.token}`);
    await guest.getByRole('heading', { name: 'This link has been used up' }).waitFor();

    await page.goto('/shared');
    await page.locator('.shared-item').first().waitFor();
    expect(await page.locator('.shared-item').count()).toBe(2);
    await page.locator('.shared-item').filter({ hasText: '1 of 1 download' }).waitFor();
    await page.locator('.shared-item').filter({ hasText: '0 downloads' }).getByRole('button', { name: 'Revoke' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke this link?' });
    await confirm.getByText('stops working at once').waitFor();
    await confirm.getByRole('button', { name: 'Revoke link' }).click();
    await toast(page, 'Link revoked.');
    await expect.poll(() => page.locator('.shared-item').count()).toBe(1);

    await guest.goto(`/s/${revoked.token}`);
    await guest.getByRole('heading', { name: 'Link not found' }).waitFor();
    await guest.context().close();
  });

  it("closes the Revoke question and a link's form with Back, staying on Shared links", async () => {
    const client = api(context);
    const file = await client.upload('kept.txt', 'kept');
    await client.share(file.id);
    await page.goto('/');
    await page.getByRole('link', { name: 'Shared links' }).click();
    await page.waitForURL((url) => url.pathname === '/shared');
    const row = page.locator('.shared-item').filter({ hasText: 'kept.txt' });

    await row.getByRole('button', { name: /^Revoke/ }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke this link?' });
    await confirm.waitFor();
    await page.goBack();
    await gone(confirm);
    expect(new URL(page.url()).pathname).toBe('/shared');
    // Forward asks again; Back once more still stays.
    await page.goForward();
    await confirm.waitFor();
    await page.goBack();
    await gone(confirm);

    await row.getByRole('button', { name: /^Edit/ }).click();
    const form = page.getByRole('form', { name: 'Change this link' });
    await form.waitFor();
    await page.goBack();
    await gone(form);
    expect(new URL(page.url()).pathname).toBe('/shared');
    // The focus the form had goes back to its Edit button, as after Cancel.
    await expect.poll(() => page.evaluate("document.activeElement?.id?.startsWith('edit-link-')")).toBe(true);
    // Closed with Cancel, the form leaves no step behind: Back then leaves the page.
    await row.getByRole('button', { name: /^Edit/ }).click();
    await form.getByRole('button', { name: 'Cancel' }).click();
    await gone(form);
    // The page steps back off the form's entry just after it closes; a Back before that would be a second step.
    await expect.poll(() => page.evaluate('history.state?.fileflowOverlay === undefined')).toBe(true);
    await page.goBack();
    await page.waitForURL((url) => url.pathname === '/');
  });

  it('says on Shared links that a link to an item in the trash does not open', async () => {
    const client = api(context);
    const kept = await client.upload('kept.txt', 'kept');
    const binned = await client.upload('binned.txt', 'binned');
    await client.share(kept.id);
    const { token } = await client.share(binned.id);
    await client.trash(binned.id);
    await page.goto('/shared');
    const why = 'In the trash or deleted: the link does not open.';
    await page.locator('.shared-item').filter({ hasText: 'binned.txt' }).getByText(why).waitFor();
    expect(await page.locator('.shared-item').filter({ hasText: 'kept.txt' }).getByText(why).count()).toBe(0);
    // As its visitors find.
    const guest = await visitor();
    await guest.goto(`/s/${token}`);
    await guest.getByRole('heading', { name: 'Link not found' }).waitFor();
    await guest.context().close();
  });

  it('does not say a link does not open when its item could not be looked up', async () => {
    const file = await api(context).upload('kept.txt', 'kept');
    await api(context).share(file.id);
    // The link's item is live; only the look-up of it fails.
    await page.route(`**/api/nodes/${file.id}`, (route) =>
      route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'Internal error.' } }) }),
    );
    try {
      await page.goto('/shared');
      await page.getByRole('alert').getByRole('button', { name: 'Try again' }).waitFor();
      expect(await page.getByText('In the trash or deleted: the link does not open.').count()).toBe(0);
    } finally {
      await page.unroute(`**/api/nodes/${file.id}`);
    }
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.locator('.shared-item').filter({ hasText: 'kept.txt' }).getByRole('link', { name: 'kept.txt' }).waitFor();
    expect(await page.getByText('In the trash or deleted: the link does not open.').count()).toBe(0);
  });

  it("closes the Share dialog's Revoke question with Back, and only that", async () => {
    const file = await api(context).upload('kept.txt', 'kept');
    await api(context).share(file.id);
    await page.goto('/');
    await item(page, 'kept.txt').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Share link…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Share “kept.txt”' });
    const revoke = dialog.locator('.share-item').getByRole('button', { name: /^Revoke/ });
    await revoke.click();
    const confirm = page.getByRole('dialog', { name: 'Revoke this link?' });
    await confirm.waitFor();
    await page.goBack();
    await gone(confirm);
    expect(await dialog.isVisible()).toBe(true);
    expect(new URL(page.url()).pathname).toBe('/');
    // Forward asks again; closed with Cancel, the question leaves no step behind: Back then closes the dialog.
    await page.goForward();
    await confirm.waitFor();
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await gone(confirm);
    await expect.poll(() => page.evaluate('history.state?.fileflowOverlay?.owner')).toBe('node-actions');
    await page.goBack();
    await gone(dialog);
    expect(new URL(page.url()).pathname).toBe('/');
    await item(page, 'kept.txt').waitFor();
  });

  it('counts down a limited link and says so when its last download is used elsewhere', async () => {
    const { guest, token } = await visitLimitedFile('twice.txt', 'two downloads', 2);
    await guest.getByText('2 downloads left; a preview counts as a download.').waitFor();
    // Both downloads are used from elsewhere while the page is open: its Download button then
    // shows the used-up page instead of saving the refusal as a file.
    for (let i = 0; i < 2; i++) {
      expect((await guest.request.get(`/api/public/shares/${token}/content`)).status()).toBe(200);
    }
    await guest.getByRole('link', { name: 'Download' }).click();
    await guest.getByRole('heading', { name: 'This link has been used up' }).waitFor();
    await guest.context().close();
  });

  it('says a link is used up once its last download starts, without a reload', async () => {
    const { guest, token } = await visitLimitedFile('once.txt', 'only once', 1);
    await guest.getByText('1 download left').waitFor();
    // A slow start (the server counts a download when its answer starts): the page looks again
    // until the download shows, not once after a fixed delay.
    await guest.route(`**/api/public/shares/${token}/content`, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 2500));
      await route.continue();
    });
    const download = guest.waitForEvent('download');
    await guest.getByRole('link', { name: 'Download' }).click();
    await (await download).path();
    await guest.getByRole('heading', { name: 'This link has been used up' }).waitFor({ timeout: 6000 });
    await guest.context().close();
  });

  it("counts a download from a limited link's preview, as from the page's Download button", async () => {
    // Not a picture the browser can show: its preview offers the file's details and a Download.
    const { guest } = await visitLimitedFile('broken.png', 'not really a picture', 3);
    await guest.getByText('3 downloads left; a preview counts as a download.').waitFor();
    await guest.getByRole('button', { name: 'Preview' }).click();
    const download = guest.waitForEvent('download');
    await guest.locator('.file-details').getByRole('link', { name: 'Download' }).click();
    expect((await download).suggestedFilename()).toBe('broken.png');
    // The preview was one, the download another.
    await guest.getByText('1 download left; a preview counts as a download.').waitFor({ timeout: 10_000 });
    await guest.context().close();
  });

  it("counts a limited link's preview on its page as it is shown, without a reload", async () => {
    const { guest } = await visitLimitedFile('view.png', gradientPng(20, 20), 3);
    await guest.getByText('3 downloads left; a preview counts as a download.').waitFor();
    await guest.getByRole('button', { name: 'Preview' }).click();
    await guest.locator('.preview-stage').getByRole('img', { name: 'view.png' }).waitFor();
    await guest.getByText('2 downloads left; a preview counts as a download.').waitFor({ timeout: 10_000 });
    await guest.context().close();
  });

  it('asks for the password of a shared folder without a failed request first', async () => {
    const client = api(context);
    const folder = await client.folder('Private');
    await client.upload('secret.txt', 'hush', folder.id);
    const expiresAt = new Date(Date.now() + 3 * 86400_000);
    const share = await client.share(folder.id, { password: 'let me in', expiresAt: expiresAt.toISOString() });
    const guest = await visitor();
    const failures: string[] = [];
    guest.on('response', (response) => {
      if (response.status() >= 400) {
        failures.push(`${response.status()} ${response.url()}`);
      }
    });
    guest.on('console', (message) => {
      if (message.type() === 'error') {
        failures.push(message.text());
      }
    });
    await guest.goto(`/s/${share.token}`);
    await guest.getByText('This link is protected by a password.').waitFor();
    expect(failures).toEqual([]);
    await guest.getByLabel('Password').fill('let me in');
    await guest.getByRole('button', { name: 'Unlock' }).click();
    await guest.getByRole('button', { name: /secret\.txt/ }).waitFor();
    // When the link stops working, as a shared file's page says it.
    await guest.getByText(/^Available until /).waitFor();
    // This browser unlocked it: a reload opens the folder without asking again.
    await guest.reload();
    await guest.getByRole('button', { name: /secret\.txt/ }).waitFor();
    expect(await guest.getByText('This link is protected by a password.').count()).toBe(0);
    expect(failures).toEqual([]);
    await guest.context().close();
  });

  it('changes a link in place: a higher limit revives it, a new password asks its visitors again', async () => {
    const client = api(context);
    const file = await client.upload('notes.txt', 'my notes');
    const share = await client.share(file.id, { maxDownloads: 1, password: 'first' });
    const guest = await visitor();
    await guest.goto(`/s/${share.token}`);
    await guest.getByLabel('Password').fill('first');
    await guest.getByRole('button', { name: 'Unlock' }).click();
    await guest.getByRole('heading', { name: 'notes.txt' }).waitFor();
    expect((await guest.request.get(`/api/public/shares/${share.token}/content`)).status()).toBe(200);

    await page.goto('/shared');
    const row = page.locator('.shared-item').filter({ hasText: 'notes.txt' });
    await row.getByText('1 of 1 download').waitFor();
    await row.getByRole('button', { name: 'Edit' }).click();
    const form = row.getByRole('form', { name: 'Change this link' });
    await form.getByLabel('Download limit').fill('3');
    await form.getByRole('combobox', { name: /^Password/ }).selectOption({ label: 'Change the password…' });
    await form.getByText('will be asked again').waitFor();
    await form.getByLabel('New password').fill('second');
    await form.getByLabel('Expires').selectOption({ label: '30 days from now' });
    await form.getByRole('button', { name: 'Save changes' }).click();
    await toast(page, 'Link updated.');
    await row.getByText('1 of 3 downloads').waitFor();
    expect(await form.count()).toBe(0);
    // The form is gone: the focus is back on its Edit button.
    await expect.poll(() => page.evaluate("document.activeElement?.id?.startsWith('edit-link-')")).toBe(true);

    // Same address; the visitor who unlocked with the old password is asked for the new one.
    await guest.reload();
    await guest.getByText('This link is protected by a password.').waitFor();
    await guest.getByLabel('Password').fill('first');
    await guest.getByRole('button', { name: 'Unlock' }).click();
    await guest.getByRole('alert').getByText('That password is not right.').waitFor();
    await guest.getByLabel('Password').fill('second');
    await guest.getByRole('button', { name: 'Unlock' }).click();
    await guest.getByText('2 downloads left; a preview counts as a download.').waitFor();

    // From the file's own Share dialog, the password goes and the limit with it.
    await page.goto('/');
    await item(page, 'notes.txt').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Share link…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Share “notes.txt”' });
    await dialog.locator('.share-item').getByRole('button', { name: 'Edit' }).click();
    const inDialog = dialog.getByRole('form', { name: 'Change this link' });
    // The form takes the focus; Escape leaves the form, and the dialog stays.
    await expect.poll(() => inDialog.getByLabel('Expires').evaluate((element) => element === element.ownerDocument.activeElement)).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => inDialog.count()).toBe(0);
    await dialog.waitFor();
    await dialog.locator('.share-item').getByRole('button', { name: 'Edit' }).click();
    await inDialog.getByRole('combobox', { name: /^Password/ }).selectOption({ label: 'Remove the password' });
    await inDialog.getByLabel('Download limit').fill('');
    await inDialog.getByRole('button', { name: 'Save changes' }).click();
    await toast(page, 'Link updated.');
    await dialog.locator('.share-item').getByText('1 download').waitFor();
    expect(await dialog.locator('.share-item').getByText('Password').count()).toBe(0);
    const open = await visitor();
    await open.goto(`/s/${share.token}`);
    await open.getByRole('heading', { name: 'notes.txt' }).waitFor();

    // Revoking from the Share dialog asks first, as on the Shared links page.
    await dialog.locator('.share-item').getByRole('button', { name: 'Revoke' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke this link?' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await gone(confirm);
    await dialog.waitFor();
    expect((await open.request.get(`/api/public/shares/${share.token}`)).status()).toBe(200);
    await dialog.locator('.share-item').getByRole('button', { name: 'Revoke' }).click();
    await confirm.getByRole('button', { name: 'Revoke link' }).click();
    await toast(page, 'Link revoked.');
    await dialog.getByText('No links yet.').waitFor();
    expect((await open.request.get(`/api/public/shares/${share.token}`)).status()).toBe(404);
    await open.context().close();
    await guest.context().close();
  });

  it("says a file's link was revoked when its Download or Preview is used afterwards, instead of saving the refusal as a file", async () => {
    const file = await api(context).upload('memo.txt', 'the memo');
    const { guest, downloads, openThenRevoke } = await visitorOfRevokedLinks(file.id);
    await openThenRevoke(guest.getByRole('heading', { name: 'memo.txt' }));
    await guest.getByRole('link', { name: 'Download' }).click();
    await guest.getByRole('heading', { name: 'Link not found' }).waitFor();

    await openThenRevoke(guest.getByRole('heading', { name: 'memo.txt' }));
    await guest.getByRole('button', { name: 'Preview' }).click();
    await onlyLinkNotFound(guest, downloads);
    await guest.context().close();
  });

  it("says a shared folder's link was revoked when a file in it is downloaded or previewed afterwards", async () => {
    const client = api(context);
    const folder = await client.folder('Minutes');
    await client.upload('monday.txt', 'monday', folder.id);
    await client.upload('tuesday.png', gradientPng(8, 8), folder.id);
    const { guest, downloads, openThenRevoke } = await visitorOfRevokedLinks(folder.id);
    await openThenRevoke(guest.getByRole('button', { name: /monday\.txt/ }));
    await guest.getByRole('link', { name: 'Download monday.txt' }).click();
    await guest.getByRole('heading', { name: 'Link not found' }).waitFor();

    await openThenRevoke(guest.getByRole('button', { name: /tuesday\.png/ }));
    await guest.getByRole('button', { name: /tuesday\.png/ }).click();
    await onlyLinkNotFound(guest, downloads);
    await guest.context().close();
  });

  it("asks for a link's new password when a download follows a change of it, instead of showing the server's refusal", async () => {
    const client = api(context);
    const folder = await client.folder('Locked');
    const file = await client.upload('inside.txt', 'inside', folder.id);
    const folderLink = await client.share(folder.id, { password: 'first one' });
    const fileLink = await client.share(file.id, { password: 'first one' });
    const { guest, downloads } = await visitorSavingDownloads();
    const unlockThenChange = async (link: { id: string; token: string }) => {
      await guest.goto(`/s/${link.token}`);
      await guest.getByLabel('Password').fill('first one');
      await guest.getByRole('button', { name: 'Unlock' }).click();
      await guest.getByRole('link', { name: /^Download/ }).first().waitFor();
      await client.updateShare(link.id, { password: 'second one' });
    };

    await unlockThenChange(folderLink);
    await guest.getByRole('link', { name: 'Download inside.txt' }).click();
    await guest.getByText('This link is protected by a password.').waitFor();
    expect(new URL(guest.url()).pathname).toBe(`/s/${folderLink.token}`);

    await unlockThenChange(fileLink);
    await guest.getByRole('link', { name: 'Download' }).click();
    await guest.getByText('This link is protected by a password.').waitFor();
    expect(new URL(guest.url()).pathname).toBe(`/s/${fileLink.token}`);
    expect(downloads).toEqual([]);
    await guest.context().close();
  });

  it("asks for a folder link's new password when its zip follows a change of it, and says when the link is gone", async () => {
    const client = api(context);
    const folder = await client.folder('Album');
    await client.upload('photo.txt', 'photo', folder.id);
    const link = await client.share(folder.id, { password: 'first one' });
    const { guest, downloads } = await visitorSavingDownloads();
    const zip = guest.getByRole('link', { name: 'Download all (zip)' });
    const unlock = async (password: string) => {
      await guest.getByLabel('Password').fill(password);
      await guest.getByRole('button', { name: 'Unlock' }).click();
      await zip.waitFor();
    };
    await guest.goto(`/s/${link.token}`);
    await unlock('first one');
    await client.updateShare(link.id, { password: 'second one' });
    await zip.click();
    await guest.getByText('This link is protected by a password.').waitFor();
    expect(new URL(guest.url()).pathname).toBe(`/s/${link.token}`);
    expect(downloads).toEqual([]);
    // With the new password, the zip comes.
    const saved = guest.waitForEvent('download');
    await unlock('second one');
    await zip.click();
    expect((await saved).suggestedFilename()).toMatch(/^Album.*\.zip$/);

    await client.revokeShare(link.id);
    await zip.click();
    await onlyLinkNotFound(guest, downloads.slice(1));

    const expiring = await client.share(folder.id, { expiresAt: new Date(Date.now() + 3000).toISOString() });
    await guest.goto(`/s/${expiring.token}`);
    await zip.waitFor();
    await expect
      .poll(async () => (await guest.request.get(`/api/public/shares/${expiring.token}`)).status(), { timeout: 10_000 })
      .toBe(410);
    await zip.click();
    await guest.getByRole('heading', { name: 'This link has expired' }).waitFor();
    expect(downloads).toHaveLength(1);
    await guest.context().close();
  });

  it("says why a PDF's link no longer opens when the PDF is opened in a new tab, instead of the tab showing the server's refusal", async () => {
    const client = api(context);
    const folder = await client.folder('Reports');
    const pdf = await client.upload('report.pdf', '%PDF-1.4\n%%EOF\n', folder.id);
    const link = await client.share(pdf.id, { password: 'first one' });
    const guest = await visitor();
    const tabs = () => guest.context().pages().length;
    const openInTab = guest.getByRole('link', { name: 'Open the PDF in a new tab' });
    const unlock = async (password: string) => {
      await guest.getByLabel('Password').fill(password);
      await guest.getByRole('button', { name: 'Unlock' }).click();
    };
    await guest.goto(`/s/${link.token}`);
    await unlock('first one');
    await guest.getByRole('button', { name: 'Preview' }).click();
    await openInTab.waitFor();
    // While the link works, the tab shows the PDF.
    const popup = guest.waitForEvent('popup');
    await openInTab.click();
    const tab = await popup;
    await tab.waitForURL(`**/api/public/shares/${link.token}/content?inline=1`, { waitUntil: 'commit' });
    await tab.close();

    await client.updateShare(link.id, { password: 'second one' });
    await openInTab.click();
    await guest.getByText('This link is protected by a password.').waitFor();
    await expect.poll(tabs).toBe(1);

    // Unlocked again, the preview is back.
    await unlock('second one');
    await openInTab.waitFor();
    await client.revokeShare(link.id);
    await openInTab.click();
    await guest.getByRole('heading', { name: 'Link not found' }).waitFor();
    await expect.poll(tabs).toBe(1);

    // The same from a shared folder's preview.
    const folderLink = await client.share(folder.id);
    await guest.goto(`/s/${folderLink.token}`);
    await guest.getByRole('button', { name: /report\.pdf/ }).click();
    await openInTab.waitFor();
    await client.revokeShare(folderLink.id);
    await openInTab.click();
    await guest.getByRole('heading', { name: 'Link not found' }).waitFor();
    expect(await guest.getByRole('dialog').count()).toBe(0);
    await expect.poll(tabs).toBe(1);
    await guest.context().close();
  });

  it('says a file removed from a shared folder is no longer available when its Download is used, and lists the folder again', async () => {
    const client = api(context);
    const folder = await client.folder('Handouts');
    const [removed] = await Promise.all([client.upload('old.txt', 'old', folder.id), client.upload('new.txt', 'new', folder.id)]);
    const link = await client.share(folder.id);
    const guest = await visitor();
    await guest.goto(`/s/${link.token}`);
    await guest.getByRole('button', { name: /old\.txt/ }).waitFor();
    await client.trash(removed.id);
    await guest.getByRole('link', { name: 'Download old.txt' }).click();
    await toast(guest, 'That file is no longer available: it was removed from this shared folder.');
    await gone(guest.getByRole('button', { name: /old\.txt/ }));
    expect(new URL(guest.url()).pathname).toBe(`/s/${link.token}`);
    await guest.getByRole('button', { name: /new\.txt/ }).waitFor();
    await guest.context().close();
  });

  it('explains a link that has expired', async () => {
    const file = await api(context).upload('soon.txt', 'gone soon');
    const share = await api(context).share(file.id, { expiresAt: new Date(Date.now() + 1500).toISOString() });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const guest = await visitor();
    await guest.goto(`/s/${share.token}`);
    await guest.getByRole('heading', { name: 'This link has expired' }).waitFor();
    await guest.context().close();
  });
});
