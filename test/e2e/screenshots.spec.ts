import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { api, gradientPng, newCredentials, type Credentials } from './api.js';
import { launch, type E2E } from './browser.js';
import { item, view } from './pages.js';

/** The main screens, desktop and phone, light and dark, saved for docs/screenshots (and for review). */
const OUT = path.resolve(import.meta.dirname, '../../docs/screenshots');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

const MINIMAL_PDF = `%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj
4 0 obj << /Length 44 >> stream
BT /F1 24 Tf 40 70 Td (Quarterly report) Tj ET
endstream endobj
5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj
trailer << /Root 1 0 R >>
%%EOF
`;

const NOTES = `# Project notes

- Ship the web UI: file browser, uploads, previews, sharing
- Keep the first download under 250 kB
- Test in light and dark, on a phone and a desktop

\`\`\`ts
export function greet(name: string): string {
  return \`Hello, \${name}!\`;
}
\`\`\`
`;

let e2e: E2E;
let owner: Credentials;
let shareToken = '';

/** One account with a realistic little tree, shared by every screenshot. */
async function seed(context: BrowserContext): Promise<void> {
  const client = api(context);
  owner = await client.register(newCredentials());
  const documents = await client.folder('Documents');
  await client.folder('Photos');
  await client.folder('Music');
  const invoices = await client.folder('Invoices 2024');
  await client.patch(invoices.id, { favorite: true });
  await client.folder('Projects');
  await client.upload('holiday-at-the-lake.png', gradientPng(640, 400));
  await client.upload('sunset.png', gradientPng(480, 320, [240, 120, 40], [120, 40, 160]));
  const report = await client.upload('Quarterly report.pdf', MINIMAL_PDF);
  await client.patch(report.id, { favorite: true });
  await client.upload('project-notes.md', NOTES);
  await client.upload('budget.csv', 'month,income,spend\nJanuary,4200,3100\nFebruary,4200,2900\n');
  await client.upload('README.txt', 'FileFlow keeps your files.\n');
  await client.upload('contract-draft.docx', Buffer.alloc(180_000, 7), documents.id);
  const old = await client.upload('old-presentation.pptx', Buffer.alloc(420_000, 3));
  await client.trash(old.id);
  const oldFolder = await client.folder('Scans 2019');
  await client.trash(oldFolder.id);
  shareToken = (await client.share(report.id, { expiresInDays: 7, maxDownloads: 10 })).token;
  await context.request.post('/api/search-profiles', { data: { name: 'Large PDFs', query: '', fileTypes: ['pdf'], sizeMin: 1_000_000 } });
}

async function signedInPage(scheme: 'light' | 'dark', viewport: { width: number; height: number }): Promise<Page> {
  const context = await e2e.newContext({ colorScheme: scheme, viewport });
  await context.request.post('/api/auth/login', { data: { email: owner.email, password: owner.password } });
  return context.newPage();
}

async function shot(page: Page, name: string): Promise<void> {
  // Let transitions, lazy chunks and thumbnails settle.
  await page.waitForTimeout(350);
  await page.screenshot({ path: path.join(OUT, `${name}.png`) });
}

beforeAll(async () => {
  await mkdir(OUT, { recursive: true });
  e2e = await launch();
  const context = await e2e.newContext();
  await seed(context);
  await context.close();
});
afterAll(async () => {
  await e2e.close();
});

describe.each(['light', 'dark'] as const)('screenshots (%s)', (scheme) => {
  it('desktop screens', async () => {
    const anonymous = await (await e2e.newContext({ colorScheme: scheme, viewport: DESKTOP })).newPage();
    await anonymous.goto('/login');
    await anonymous.getByRole('button', { name: 'Sign in' }).waitFor();
    await shot(anonymous, `desktop-${scheme}-login`);
    await anonymous.goto(`/s/${shareToken}`);
    await anonymous.getByRole('link', { name: 'Download' }).waitFor();
    await shot(anonymous, `desktop-${scheme}-public-share`);
    await anonymous.context().close();

    const page = await signedInPage(scheme, DESKTOP);
    await page.goto('/');
    await item(page, 'Documents').waitFor();
    await item(page, 'README.txt').click();
    await item(page, 'budget.csv').click({ modifiers: ['ControlOrMeta'] });
    await shot(page, `desktop-${scheme}-files`);

    await item(page, 'sunset.png').click({ button: 'right' });
    await page.getByRole('menu').waitFor();
    await shot(page, `desktop-${scheme}-context-menu`);
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: 'Grid view' }).click();
    await page.locator('.tile-visual img').first().waitFor();
    await shot(page, `desktop-${scheme}-grid`);
    await page.getByRole('button', { name: 'List view' }).click();

    await item(page, 'holiday-at-the-lake.png').dblclick();
    await page.getByRole('dialog').locator('img').waitFor();
    await shot(page, `desktop-${scheme}-preview-image`);
    await page.keyboard.press('Escape');
    await item(page, 'project-notes.md').dblclick();
    await page.getByRole('dialog').locator('pre').waitFor();
    await shot(page, `desktop-${scheme}-preview-text`);
    await page.keyboard.press('Escape');

    await item(page, 'Quarterly report.pdf').dblclick();
    await page.getByRole('dialog').locator('iframe').waitFor();
    await page.waitForTimeout(1500);
    await shot(page, `desktop-${scheme}-preview-pdf`);
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();

    await item(page, 'Quarterly report.pdf').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Share link…' }).click();
    await page.getByRole('dialog').getByText('Links to this file').waitFor();
    await page.getByRole('dialog').locator('.share-item').first().waitFor();
    await shot(page, `desktop-${scheme}-share`);
    await page.keyboard.press('Escape');

    await page.getByTestId('upload-files').setInputFiles([
      { name: 'README.txt', mimeType: 'text/plain', buffer: Buffer.from('a newer readme') },
      { name: `meeting-${scheme}.txt`, mimeType: 'text/plain', buffer: Buffer.from('minutes') },
    ]);
    await page.getByRole('group', { name: 'README.txt already exists' }).waitFor();
    await shot(page, `desktop-${scheme}-upload-conflict`);
    await page.getByRole('group', { name: 'README.txt already exists' }).getByRole('button', { name: 'Skip' }).click();
    await page.getByRole('button', { name: 'Close the upload panel' }).click();

    await page.getByRole('link', { name: 'Trash' }).click();
    await item(page, 'old-presentation.pptx').waitFor();
    await shot(page, `desktop-${scheme}-trash`);

    await page.getByRole('link', { name: 'Large PDFs' }).click();
    await page.getByRole('heading', { name: 'Saved search: Large PDFs' }).waitFor();
    await page.getByLabel('Search files').fill('e');
    await page.getByLabel('Search files').press('Enter');
    await item(page, 'README.txt').waitFor();
    await shot(page, `desktop-${scheme}-search`);

    await page.getByRole('link', { name: 'Shared links' }).click();
    await page.locator('.shared-item').first().waitFor();
    await shot(page, `desktop-${scheme}-shared-links`);

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Personal access tokens' }).waitFor();
    await shot(page, `desktop-${scheme}-settings`);
    await page.context().close();
  });

  it('phone screens', async () => {
    const anonymous = await (await e2e.newContext({ colorScheme: scheme, viewport: PHONE, isMobile: true, hasTouch: true })).newPage();
    await anonymous.goto('/login');
    await anonymous.getByRole('button', { name: 'Sign in' }).waitFor();
    await shot(anonymous, `phone-${scheme}-login`);
    await anonymous.context().close();

    const context = await e2e.newContext({ colorScheme: scheme, viewport: PHONE, isMobile: true, hasTouch: true });
    await context.request.post('/api/auth/login', { data: { email: owner.email, password: owner.password } });
    const page = await context.newPage();
    await page.goto('/');
    await item(page, 'Documents').waitFor();
    await shot(page, `phone-${scheme}-files`);
    await page.getByRole('button', { name: 'Open navigation' }).click();
    await page.getByRole('link', { name: 'Favourites' }).waitFor();
    await shot(page, `phone-${scheme}-navigation`);
    await page.getByRole('link', { name: 'Favourites' }).click();
    await item(page, 'Invoices 2024').waitFor();
    await page.goto('/');
    await view(page).waitFor();
    await item(page, 'budget.csv').locator('.row-check').tap();
    await item(page, 'README.txt').tap();
    await page.getByRole('toolbar', { name: 'Selected items' }).waitFor();
    await shot(page, `phone-${scheme}-selection`);
    await page.getByRole('button', { name: 'Clear selection' }).tap();
    await item(page, 'holiday-at-the-lake.png').tap();
    await page.getByRole('dialog').locator('img').waitFor();
    await shot(page, `phone-${scheme}-preview`);
    await context.close();
  });
});
