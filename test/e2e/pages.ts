import type { Locator, Page } from 'playwright-core';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A file or folder in the current view, by its exact name. */
export function item(page: Page, name: string): Locator {
  return page.getByRole('option', { name: new RegExp(`^${escape(name)}, `) });
}

/** The file view (list or grid). */
export function view(page: Page): Locator {
  return page.getByRole('listbox');
}

/** The "N selected" text of the selection bar. */
export function selectedCount(page: Page): Locator {
  return page.getByRole('toolbar', { name: 'Selected items' }).getByText(/selected$/);
}

/**
 * Moves an item with Move to… from its context menu into a folder the picker lists where it
 * starts, and returns the picker (closed by then).
 */
export async function moveWithPicker(page: Page, name: string, folderName: string): Promise<Locator> {
  await item(page, name).click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Move to…' }).click();
  const picker = page.getByRole('dialog', { name: `Move “${name}”` });
  await picker.getByRole('button', { name: folderName }).click();
  await picker.getByText('Destination:').getByText(folderName).waitFor();
  await picker.getByRole('button', { name: 'Move here' }).click();
  return picker;
}

/** Waits for a toast with this text. */
export async function toast(page: Page, text: string | RegExp): Promise<void> {
  await page.locator('.toast').filter({ hasText: text }).first().waitFor();
}

/** Waits until an element is gone. */
export async function gone(locator: Locator): Promise<void> {
  await locator.waitFor({ state: 'detached' });
}

/** The platform's select-all modifier for keyboard.press. */
export const MOD = process.platform === 'darwin' ? 'Meta' : 'Control';
