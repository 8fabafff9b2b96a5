import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { api, type Credentials } from './api.js';
import { gone, item, toast, view } from './pages.js';
import { signedInBeforeEach, type SignedInTest } from './setup.js';

let context: BrowserContext;
let page: Page;
let credentials: Credentials;
let e2e: SignedInTest['e2e'];
signedInBeforeEach((test) => {
  ({ context, page, credentials, e2e } = test);
});

describe('trash', () => {
  it('restores an item, deletes one for good and empties the trash', async () => {
    const client = api(context);
    for (const name of ['restore-me.txt', 'delete-me.txt', 'empty-1.txt', 'empty-2.txt']) {
      const node = await client.upload(name, name);
      await client.trash(node.id);
    }
    const projects = await client.folder('Projects');
    await client.trash((await client.upload('plan.txt', 'plan', projects.id)).id);
    await page.goto('/trash');
    // Each item says where it was, and when it goes for good.
    expect(await item(page, 'plan.txt').textContent()).toMatch(/from Projects · deleted .+ · deleted for good in (29|30) days/);
    expect(await item(page, 'empty-1.txt').textContent()).toContain('from My files');
    // The size shows once, in its column: the second line repeats it only on phones.
    expect((await item(page, 'plan.txt').innerText()).match(/\b4 B\b/g)).toHaveLength(1);
    await page.getByText('Items are deleted for good 30 days after you trash them.').waitFor();
    await item(page, 'restore-me.txt').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Restore' }).click();
    await toast(page, 'Restored “restore-me.txt”.');
    await gone(item(page, 'restore-me.txt'));

    await item(page, 'delete-me.txt').click();
    await page.keyboard.press('Delete');
    const confirm = page.getByRole('dialog', { name: 'Delete for good?' });
    await confirm.getByRole('button', { name: 'Delete for good' }).click();
    await gone(item(page, 'delete-me.txt'));

    await page.getByRole('button', { name: 'Empty trash' }).click();
    await page.getByRole('dialog', { name: 'Empty the trash?' }).getByRole('button', { name: 'Empty trash' }).click();
    await page.getByRole('heading', { name: 'The trash is empty' }).waitFor();

    await page.getByRole('link', { name: 'My files' }).click();
    await item(page, 'restore-me.txt').waitFor();
    expect((await client.children()).total).toBe(2);
  });
  it('closes the Empty trash and Delete for good questions with Back, staying in the trash', async () => {
    const client = api(context);
    await client.trash((await client.upload('old.txt', 'old')).id);
    await page.goto('/');
    await page.getByRole('link', { name: 'Trash' }).click();
    await item(page, 'old.txt').waitFor();

    await page.getByRole('button', { name: 'Empty trash' }).click();
    const empty = page.getByRole('dialog', { name: 'Empty the trash?' });
    await empty.waitFor();
    await page.goBack();
    await gone(empty);
    expect(new URL(page.url()).pathname).toBe('/trash');

    await item(page, 'old.txt').click();
    await page.keyboard.press('Delete');
    const deleting = page.getByRole('dialog', { name: 'Delete for good?' });
    await deleting.waitFor();
    await page.goBack();
    await gone(deleting);
    expect(new URL(page.url()).pathname).toBe('/trash');
    await item(page, 'old.txt').waitFor();

    // Answered, the question leaves no step behind: Back then leaves the trash.
    await item(page, 'old.txt').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Delete for good' }).click();
    await deleting.getByRole('button', { name: 'Delete for good' }).click();
    await page.getByRole('heading', { name: 'The trash is empty' }).waitFor();
    // The page steps back off the question's entry just after it closes; a Back before that would be a second step.
    await expect.poll(() => page.evaluate('history.state?.fileflowOverlay === undefined')).toBe(true);
    await page.goBack();
    await page.waitForURL((url) => url.pathname === '/');
  });

  it('deletes a selection for good when one of its items was deleted elsewhere meanwhile', async () => {
    const client = api(context);
    const ids = new Map<string, string>();
    for (const name of ['first.txt', 'second.txt', 'third.txt']) {
      const node = await client.upload(name, name);
      ids.set(name, node.id);
      await client.trash(node.id);
    }
    await page.goto('/trash');
    await item(page, 'third.txt').waitFor();
    await view(page).focus();
    await page.keyboard.press('ControlOrMeta+a');
    // Another tab or device deletes one of them for good first.
    expect((await context.request.delete(`/api/trash/${ids.get('second.txt') ?? ''}`)).status()).toBe(204);
    await page.keyboard.press('Delete');
    await page.getByRole('dialog', { name: 'Delete for good?' }).getByRole('button', { name: 'Delete for good' }).click();
    // The others are deleted too (not left behind the refusal of the one already gone), and the list says so.
    await toast(page, 'Deleted 2 items for good. 1 item was no longer in the trash.');
    await page.getByRole('heading', { name: 'The trash is empty' }).waitFor();
    expect((await (await context.request.get('/api/trash')).json()).items).toEqual([]);
  });

  it('says which folder each item came from without asking about folders that are gone', async () => {
    const client = api(context);
    const photos = await client.folder('Photos');
    const docs = await client.folder('Docs');
    const year = await client.folder('2024', photos.id);
    const old = await client.folder('Old');
    await client.trash((await client.upload('beach.jpg', 'beach', photos.id)).id);
    await client.trash((await client.upload('snow.jpg', 'snow', year.id)).id);
    await client.trash((await client.upload('notes.txt', 'notes', docs.id)).id);
    await client.trash((await client.upload('draft.txt', 'draft', old.id)).id);
    // Photos goes to the trash with 2024 in it (not listed itself); Old goes for good.
    await client.trash(photos.id);
    await client.trash(old.id);
    expect((await context.request.delete(`/api/trash/${old.id}`)).status()).toBe(204);
    // Every answer the page gets: a refused one is logged by the browser as an error.
    const refused: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) {
        refused.push(`${response.status()} ${new URL(response.url()).pathname}`);
      }
    });
    await page.goto('/trash');
    await item(page, 'beach.jpg').waitFor();
    expect(refused).toEqual([]);
    expect(await item(page, 'notes.txt').textContent()).toContain('from Docs · deleted');
    // Its folder is in the trash too (restoring it puts it at the top level): said, not asked.
    expect(await item(page, 'beach.jpg').textContent()).toContain('from Photos (in the trash) · deleted');
    expect(await item(page, 'Photos').textContent()).toContain('from My files');
    // Folders gone from sight (in a trashed folder, deleted for good) are not named.
    expect(await item(page, 'snow.jpg').textContent()).toMatch(/^snow\.jpg4 B · deleted/);
    expect(await item(page, 'draft.txt').textContent()).toMatch(/^draft\.txt5 B · deleted/);
  });

  it('says under which name an item is restored when its own is taken', async () => {
    const client = api(context);
    await client.trash((await client.upload('report.txt', 'old report')).id);
    await client.upload('report.txt', 'new report');
    await page.goto('/trash');
    await item(page, 'report.txt').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Restore' }).click();
    await toast(page, 'Restored “report.txt” as “report (1).txt”.');
    expect((await client.children()).items.map((node) => node.name).sort()).toEqual(['report (1).txt', 'report.txt']);
  });
});

describe('search', () => {
  it('finds files by name anywhere, shows their folder, filters by type and saves the search', async () => {
    const client = api(context);
    const finance = await client.folder('Finance');
    await client.upload('invoice-march.pdf', '%PDF-1.4 march', finance.id);
    await client.upload('invoice-april.txt', 'april');
    await client.upload('holiday.png', 'not really a png');
    await page.goto('/');
    await page.getByLabel('Search files').fill('invoice');
    await page.getByLabel('Search files').press('Enter');
    await page.waitForURL((url) => url.pathname === '/search' && url.searchParams.get('q') === 'invoice');
    await page.getByRole('status').getByText('2 results').waitFor();
    expect(await item(page, 'invoice-march.pdf').textContent()).toContain('in My files/Finance');
    expect(await item(page, 'invoice-april.txt').textContent()).toContain('in My files');

    const filters = page.getByRole('form', { name: 'Search filters' });
    // A type chip searches at once: no results under a filter they do not match.
    await filters.getByRole('button', { name: 'Images' }).click();
    await page.waitForURL((url) => url.searchParams.get('types') !== null);
    await page.getByRole('heading', { name: 'Nothing found' }).waitFor();
    await filters.getByRole('button', { name: 'Images' }).click();
    await page.getByRole('status').getByText('2 results').waitFor();
    await filters.getByLabel('Extensions').fill('pdf');
    await filters.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('status').getByText('1 result').waitFor();
    await gone(item(page, 'invoice-april.txt'));

    await filters.getByRole('button', { name: 'Save search' }).click();
    const save = page.getByRole('dialog', { name: 'Save this search' });
    await save.getByLabel('Name').fill('PDF invoices');
    await save.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Saved search: PDF invoices' }).waitFor();
    await page.getByRole('navigation', { name: 'Saved searches' }).getByRole('link', { name: 'PDF invoices' }).waitFor();
    await item(page, 'invoice-march.pdf').waitFor();

    await item(page, 'invoice-march.pdf').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Show in folder' }).click();
    await page.waitForURL((url) => url.pathname === `/folders/${finance.id}`);

    // Rename the saved search, then delete it (asked first).
    const saved = page.getByRole('navigation', { name: 'Saved searches' });
    await saved.getByRole('link', { name: 'PDF invoices' }).click();
    await page.getByRole('button', { name: 'Rename' }).click();
    const rename = page.getByRole('dialog', { name: 'Rename saved search' });
    await rename.getByLabel('Name').fill('Invoices (PDF)');
    await rename.getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('heading', { name: 'Saved search: Invoices (PDF)' }).waitFor();
    await saved.getByRole('link', { name: 'Invoices (PDF)' }).waitFor();
    await page.getByRole('button', { name: 'Delete saved search' }).click();
    await page.getByRole('dialog', { name: 'Delete this saved search?' }).getByRole('button', { name: 'Delete saved search' }).click();
    await toast(page, 'Saved search deleted.');
    await gone(saved.getByRole('link', { name: 'Invoices (PDF)' }));
  });

  it('saves a search under a name with a slash, which only file names cannot have', async () => {
    await api(context).upload('report.pdf', '%PDF-1.4');
    await page.goto('/search?q=report');
    await item(page, 'report.pdf').waitFor();
    await page.getByRole('button', { name: 'Save search' }).click();
    const save = page.getByRole('dialog', { name: 'Save this search' });
    await save.getByLabel('Name').fill('Reports 2024/25');
    await save.getByRole('button', { name: 'Save' }).click();
    await toast(page, 'Saved “Reports 2024/25”.');
    await page.getByRole('heading', { name: 'Saved search: Reports 2024/25' }).waitFor();
  });

  it('takes a saved search name as the server counts it: trimmed, composed, at most 100 characters', async () => {
    await api(context).upload('report.pdf', '%PDF-1.4');
    await page.goto('/search?q=report');
    await item(page, 'report.pdf').waitFor();
    const sent: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/api/search-profiles') && request.method() !== 'GET') {
        sent.push(`${request.method()} ${request.postData() ?? ''}`);
      }
    });
    // 100 characters with spaces around them: the server trims the spaces and takes the rest.
    const hundred = `Reports ${'x'.repeat(92)}`;
    await page.getByRole('button', { name: 'Save search' }).click();
    const save = page.getByRole('dialog', { name: 'Save this search' });
    await save.getByLabel('Name').fill(`   ${hundred}   `);
    await save.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: `Saved search: ${hundred}` }).waitFor();
    expect(sent).toHaveLength(1);

    // Accents typed decomposed (as macOS writes them): 200 UTF-16 units, 100 characters once
    // composed, as the server counts them.
    const accented = 'e\u0301'.repeat(100);
    await page.getByRole('button', { name: 'Rename' }).click();
    const rename = page.getByRole('dialog', { name: 'Rename saved search' });
    await rename.getByLabel('Name').fill(accented);
    await rename.getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('heading', { name: `Saved search: ${accented.normalize('NFC')}` }).waitFor();
    expect(sent).toHaveLength(2);

    // 51 characters as typed, 102 once NFC has decomposed each (U+0958): refused before sending.
    await page.getByRole('button', { name: 'Rename' }).click();
    await rename.getByLabel('Name').fill('\u0958'.repeat(51));
    await rename.getByRole('button', { name: 'Rename' }).click();
    await rename
      .getByRole('alert')
      .getByText(/^This name is too long: at most 100 characters, and it has 102 as it is stored/)
      .waitFor();
    expect(sent).toHaveLength(2);
  });

  it('closes the Save search dialog with Back, staying on the results', async () => {
    await api(context).upload('budget.txt', 'b');
    await page.goto('/search?q=budget');
    await item(page, 'budget.txt').waitFor();
    await page.getByRole('button', { name: 'Save search' }).click();
    const save = page.getByRole('dialog', { name: 'Save this search' });
    await save.waitFor();
    await page.goBack();
    await gone(save);
    expect(new URL(page.url()).search).toBe('?q=budget');
    await item(page, 'budget.txt').waitFor();
  });

  it('asks the server once per page of results when a search page loads, none aborted', async () => {
    const client = api(context);
    for (let i = 0; i < 3; i += 1) {
      await client.upload(`ledger-${i}.txt`, 'l');
    }
    const searches: string[] = [];
    const failed: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/search') {
        searches.push(request.url());
      }
    });
    page.on('requestfailed', (request) => failed.push(`${request.url()} ${request.failure()?.errorText ?? ''}`));
    await page.goto('/search?q=ledger');
    await page.getByRole('status').getByText('3 results').waitFor();
    // Long enough for a second request started by a later render to show.
    await page.waitForTimeout(500);
    expect(searches).toHaveLength(1);
    expect(failed).toEqual([]);

    await page.reload();
    await page.getByRole('status').getByText('3 results').waitFor();
    await page.waitForTimeout(500);
    expect(searches).toHaveLength(2);
    expect(failed).toEqual([]);
  });

  it('says why crossed bounds cannot be searched, and never shows the last results as their answer', async () => {
    await api(context).upload('budget.txt', 'numbers');
    await page.goto('/search?q=budget');
    await item(page, 'budget.txt').waitFor();
    const filters = page.getByRole('form', { name: 'Search filters' });
    await filters.getByLabel('Min size (MB)').fill('5');
    await filters.getByLabel('Max size (MB)').fill('1');
    await filters.getByRole('button', { name: 'Search', exact: true }).click();
    await filters.getByRole('alert').getByText('The minimum size is larger than the maximum.').waitFor();
    expect(new URL(page.url()).searchParams.get('sizeMinMb')).toBeNull();
    // The same bounds in the address: the server refuses them, and the page says so instead of
    // keeping the results it showed before.
    await page.evaluate(
      "history.pushState(null, '', '/search?q=budget&sizeMinMb=5&sizeMaxMb=1'); dispatchEvent(new PopStateEvent('popstate'))",
    );
    await page.locator('.error-state').waitFor();
    await gone(item(page, 'budget.txt'));
    expect(
      await page
        .getByRole('status')
        .getByText(/result/)
        .count(),
    ).toBe(0);
  });

  it('keeps the results "Show more" loaded, and where the list was scrolled, after leaving and coming Back, and after a reload', async () => {
    const client = api(context);
    // More than one page (50) of results; the newest come first, so report-01 is the last.
    for (let i = 1; i <= 60; i += 1) {
      await client.upload(`report-${String(i).padStart(2, '0')}.txt`, 'r');
    }
    await page.goto('/search?q=report');
    await page.getByRole('status').getByText('60 results').waitFor();
    const more = page.getByRole('button', { name: 'Show more results' });
    await more.click();
    await gone(more);
    await page.evaluate('document.querySelector(\'[aria-label="Search results"]\').scrollTop = 1e6');
    await item(page, 'report-01.txt').waitFor();
    const scrolledTo = () => page.evaluate('document.querySelector(\'[aria-label="Search results"]\').scrollTop');
    const top = await scrolledTo();
    expect(top).toBeGreaterThan(0);

    await page.getByRole('link', { name: 'My files' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.goBack();
    await page.getByRole('status').getByText('60 results').waitFor();
    await item(page, 'report-01.txt').waitFor();
    expect(await more.count()).toBe(0);
    await expect.poll(scrolledTo).toBe(top);

    // A reload keeps both: as many results, scrolled as far.
    await page.reload();
    await page.getByRole('status').getByText('60 results').waitFor();
    await item(page, 'report-01.txt').waitFor();
    expect(await more.count()).toBe(0);
    await expect.poll(scrolledTo).toBe(top);
  });
  it('opens a new search at the top, and Back gives the earlier search its own place in the list', async () => {
    const client = api(context);
    const names = [
      ...Array.from({ length: 60 }, (_, i) => `item-${String(i).padStart(2, '0')}.txt`),
      ...Array.from({ length: 40 }, (_, i) => `note-${String(i).padStart(2, '0')}.txt`),
    ];
    for (let i = 0; i < names.length; i += 20) {
      await Promise.all(names.slice(i, i + 20).map((name) => client.upload(name, 'x')));
    }
    const scrolledTo = () => page.evaluate('document.querySelector(\'[aria-label="Search results"]\').scrollTop');
    await page.goto('/search?q=item');
    await page.getByRole('status').getByText('60 results').waitFor();
    const more = page.getByRole('button', { name: 'Show more results' });
    await more.click();
    await gone(more);
    await page.evaluate('document.querySelector(\'[aria-label="Search results"]\').scrollTop = 1e6');
    await expect.poll(scrolledTo).toBeGreaterThan(0);
    const top = await scrolledTo();

    // Another query typed in the header: its results start at the top.
    await page.getByRole('searchbox', { name: 'Search files' }).fill('txt');
    await page.keyboard.press('Enter');
    await page.getByRole('status').getByText('100 results').waitFor();
    await view(page).getByRole('option').first().waitFor();
    expect(await scrolledTo()).toBe(0);
    await page.waitForTimeout(300);
    expect(await scrolledTo()).toBe(0);

    await page.goBack();
    await page.getByRole('status').getByText('60 results').waitFor();
    await expect.poll(scrolledTo).toBe(top);
    await page.goForward();
    await page.getByRole('status').getByText('100 results').waitFor();
    await expect.poll(scrolledTo).toBe(0);
  });
});

describe('favourites', () => {
  it('adds an item to the favourites from the context menu', async () => {
    await api(context).folder('Important');
    await page.goto('/');
    await item(page, 'Important').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Add to favourites' }).click();
    await toast(page, 'Added to favourites: “Important”.');
    await page.getByRole('link', { name: 'Favourites' }).click();
    await expect.poll(() => item(page, 'Important').getAttribute('aria-label')).toBe('Important, folder, favourite');
  });
});

describe('settings', () => {
  /** The user signed in in a second browser too, and the settings page listing both sessions. */
  async function settingsWithAnotherBrowser() {
    const other = await e2e.newContext();
    expect(
      (await other.request.post('/api/auth/login', { data: { email: credentials.email, password: credentials.password } })).status(),
    ).toBe(200);
    await page.goto('/settings');
    const sessions = page.getByRole('list', { name: 'Signed-in sessions' });
    await expect.poll(() => sessions.getByRole('listitem').count()).toBe(2);
    return { other, sessions };
  }

  it('says the page could not load when its module cannot be fetched, keeps the app working, and shows it on Try again', async () => {
    await api(context).upload('kept.txt', 'kept');
    const settingsModule = (url: URL) => /\/assets\/SettingsPage-[^/]*\.js$/.test(url.pathname);
    await page.route(settingsModule, (route) => route.abort());
    await page.goto('/settings');
    const failure = page.getByRole('main').getByRole('alert');
    await failure.getByRole('heading', { name: 'Could not load this part of FileFlow' }).waitFor();
    // The rest of the app still works.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Files' }).click();
    await item(page, 'kept.txt').waitFor();
    await page.goBack();
    await failure.getByRole('button', { name: 'Try again' }).waitFor();
    await page.unroute(settingsModule);
    await failure.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('heading', { name: 'Signed-in browsers' }).waitFor();
  });

  it('asks before signing out every other session, then signs them out', async () => {
    const { other, sessions } = await settingsWithAnotherBrowser();
    await page.getByRole('button', { name: 'Sign out every other session' }).click();
    const confirm = page.getByRole('dialog', { name: 'Sign out every other session?' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect((await other.request.get('/api/me')).status()).toBe(200);
    await page.getByRole('button', { name: 'Sign out every other session' }).click();
    await confirm.getByRole('button', { name: 'Sign out the others' }).click();
    await toast(page, 'Every other session is signed out.');
    await expect.poll(() => sessions.getByRole('listitem').count()).toBe(1);
    expect((await other.request.get('/api/me')).status()).toBe(401);
    await other.close();
  });

  it('changes the password, and the signed-in browsers then list this one alone', async () => {
    const { other, sessions } = await settingsWithAnotherBrowser();
    await page.getByLabel('Current password').fill('not my password');
    await page.getByLabel('New password', { exact: true }).fill('a much better password');
    await page.getByLabel('Repeat new password').fill('a much better password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('The current password is not right.').waitFor();
    // Correcting the form takes the old answer away.
    await page.getByLabel('Current password').fill(credentials.password);
    await gone(page.getByText('The current password is not right.'));
    await page.getByLabel('New password', { exact: true }).fill('a much better password');
    await page.getByLabel('Repeat new password').fill('a much better password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('status').getByText('Password changed.', { exact: false }).waitFor();
    await expect.poll(() => sessions.getByRole('listitem').count()).toBe(1);
    await sessions.getByText('This browser').waitFor();
    expect((await other.request.get('/api/me')).status()).toBe(401);
    await other.close();
    const login = await context.request.post('/api/auth/login', { data: { email: credentials.email, password: 'a much better password' } });
    expect(login.status()).toBe(200);
  });

  it('lists the signed-in browsers and signs another one out at once', async () => {
    const other = await e2e.newContext();
    const login = await other.request.post('/api/auth/login', {
      data: { email: credentials.email, password: credentials.password },
      headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0' },
    });
    expect(login.status()).toBe(200);
    await page.goto('/settings');
    const list = page.getByRole('list', { name: 'Signed-in sessions' });
    await list.getByText('This browser').waitFor();
    await list.getByRole('button', { name: 'Sign out Firefox on Linux' }).click();
    await toast(page, 'Signed out.');
    expect((await other.request.get('/api/me')).status()).toBe(401);
    expect(await list.getByRole('listitem').count()).toBe(1);
    await other.close();
  });

  it('creates a personal access token, shows it once, and revokes it', async () => {
    await page.goto('/settings');
    // A token without a name is refused here, and the refusal goes once a name is typed.
    await page.getByRole('button', { name: 'Create token' }).click();
    const noName = page.getByRole('alert').filter({ hasText: 'Give the token a name' });
    await noName.waitFor();
    expect(await page.getByLabel('Token name').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Token name').pressSequentially('backup');
    await gone(noName);
    expect(await page.getByLabel('Token name').getAttribute('aria-invalid')).toBeNull();
    await page.getByLabel('Token name').fill('backup script');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = await page.getByLabel('New token').inputValue();
    expect(token.length).toBeGreaterThan(20);
    const asToken = await context.request.get('/api/me', { headers: { authorization: `Bearer ${token}` } });
    expect(asToken.status()).toBe(200);
    await page.locator('.token-item', { hasText: 'backup script' }).waitFor();
    await page.getByRole('button', { name: 'Revoke backup script' }).click();
    // Asked first; Cancel keeps the token.
    await page.getByRole('dialog', { name: 'Revoke “backup script”?' }).getByRole('button', { name: 'Cancel' }).click();
    expect((await context.request.get('/api/me', { headers: { authorization: `Bearer ${token}` } })).status()).toBe(200);
    await page.getByRole('button', { name: 'Revoke backup script' }).click();
    await page.getByRole('dialog', { name: 'Revoke “backup script”?' }).getByRole('button', { name: 'Revoke token' }).click();
    await toast(page, 'Token revoked.');
    await gone(page.getByLabel('New token'));
    expect((await context.request.get('/api/me', { headers: { authorization: `Bearer ${token}` } })).status()).toBe(401);
  });
});
