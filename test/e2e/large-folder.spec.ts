import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from './api.js';
import { launch, watchErrors, type E2E } from './browser.js';
import { item, view } from './pages.js';

const COUNT = 10_000;

let e2e: E2E;
let context: BrowserContext;
let page: Page;

/** 10,000 small files in 1,000-file multipart requests (the server's per-request limit). */
async function fillFolder(): Promise<void> {
  const cookie = (await context.cookies()).map((each) => `${each.name}=${each.value}`).join('; ');
  for (let start = 0; start < COUNT; start += 1000) {
    const form = new FormData();
    for (let i = start; i < start + 1000; i += 1) {
      form.append('file', new Blob([`file ${i}`]), `file-${String(i).padStart(5, '0')}.txt`);
    }
    const response = await fetch(`${e2e.baseURL}/api/files`, { method: 'POST', body: form, headers: { cookie } });
    expect(response.status).toBe(201);
  }
}

beforeAll(async () => {
  e2e = await launch();
  context = await e2e.newContext();
  await api(context).register();
  await fillFolder();
  page = await context.newPage();
}, 180_000);
afterAll(async () => {
  await e2e.close();
});

describe('a folder of 10,000 files', () => {
  it('opens at once, renders only what is visible and scrolls smoothly to the end', async () => {
    const errors = watchErrors(page);
    const started = Date.now();
    await page.goto('/');
    await item(page, 'file-00000.txt').waitFor();
    const firstPaintMs = Date.now() - started;
    expect(await item(page, 'file-00000.txt').getAttribute('aria-setsize')).toBe(String(COUNT));
    expect(await page.getByRole('option').count()).toBeLessThan(80);

    // Scroll the list from top to bottom in steps, timing animation frames in the page.
    const frames = await page.evaluate<number[]>(`(async () => {
      const list = document.querySelector('[role="listbox"]');
      const gaps = [];
      let last = performance.now();
      while (list.scrollTop + list.clientHeight < list.scrollHeight - 2) {
        list.scrollTop += 1200;
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const now = performance.now();
        gaps.push(now - last);
        last = now;
      }
      return gaps;
    })()`);
    frames.sort((a, b) => a - b);
    const p95 = frames[Math.floor(frames.length * 0.95)] ?? 0;
    console.info(
      `10,000 files: first rows after ${firstPaintMs} ms; ${frames.length} scroll frames, median ${frames[frames.length >> 1]?.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`,
    );
    // Frame times are reported (docs/PERFORMANCE.md), not asserted: timing belongs to benchmarks.
    // What is asserted is what makes scrolling smooth: the page never holds more than a screenful.
    expect(frames.length).toBeGreaterThan(10);

    await item(page, 'file-09999.txt').waitFor();
    expect(await page.getByRole('option').count()).toBeLessThan(80);
    await view(page).focus();
    await page.keyboard.press('Home');
    await item(page, 'file-00000.txt').waitFor();
    expect(errors).toEqual([]);
  });

  it('comes back to where the list was scrolled, with the same item focused, on Back', async () => {
    await page.goto('/');
    await item(page, 'file-00000.txt').waitFor();
    await page.evaluate(`document.querySelector('[role="listbox"]').scrollTop = 240000`);
    await item(page, 'file-05000.txt').click();
    const scrolledTo = await page.evaluate<number>(`document.querySelector('[role="listbox"]').scrollTop`);
    expect(scrolledTo).toBeGreaterThan(200_000);

    await page.getByRole('link', { name: 'Trash' }).click();
    await page.waitForURL((url) => url.pathname === '/trash');
    await page.goBack();
    await item(page, 'file-05000.txt').waitFor();
    expect(await page.evaluate<number>(`document.querySelector('[role="listbox"]').scrollTop`)).toBe(scrolledTo);
    expect(await view(page).getAttribute('aria-activedescendant')).toBe(await item(page, 'file-05000.txt').getAttribute('id'));
    // The list has the keyboard focus again: the arrow keys go on from there.
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => view(page).getAttribute('aria-activedescendant')).toBe(await item(page, 'file-05001.txt').getAttribute('id'));

    // Forward and Back again; a new visit to the folder (not Back) starts at the top.
    await page.goForward();
    await page.waitForURL((url) => url.pathname === '/trash');
    await page.goBack();
    await item(page, 'file-05000.txt').waitFor();
    await page.getByRole('link', { name: 'Trash' }).click();
    await page.waitForURL((url) => url.pathname === '/trash');
    await page.getByRole('link', { name: 'My files' }).first().click();
    await item(page, 'file-00000.txt').waitFor();
    expect(await page.evaluate<number>(`document.querySelector('[role="listbox"]').scrollTop`)).toBe(0);
  });

  it('comes back to where the list was scrolled, with the same item focused, after a reload', async () => {
    await page.goto('/');
    await item(page, 'file-00000.txt').waitFor();
    await page.evaluate(`document.querySelector('[role="listbox"]').scrollTop = 120000`);
    await item(page, 'file-02500.txt').click();
    const scrolledTo = await page.evaluate<number>(`document.querySelector('[role="listbox"]').scrollTop`);
    expect(scrolledTo).toBeGreaterThan(100_000);

    await page.reload();
    await item(page, 'file-02500.txt').waitFor();
    expect(await page.evaluate<number>(`document.querySelector('[role="listbox"]').scrollTop`)).toBe(scrolledTo);
    await expect.poll(() => view(page).getAttribute('aria-activedescendant')).toBe(await item(page, 'file-02500.txt').getAttribute('id'));
  });

  it('shows a search hit in its folder, selected and scrolled into view, however far down', async () => {
    await page.goto('/search?q=file-07777');
    await item(page, 'file-07777.txt').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Show in folder' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await expect.poll(() => item(page, 'file-07777.txt').getAttribute('aria-selected')).toBe('true');
    expect(await item(page, 'file-07777.txt').isVisible()).toBe(true);
  });
});
