import { readStoredRecord, writeStoredRecord } from './stored-record';

/**
 * The addresses of share links created in this browser. The server shows every link's address
 * again, except for links made before it kept them (sealed) or under another sealing key; for
 * those, the browser that created a link remembers its address here. Cleared on sign out.
 */
const KEY = 'fileflow.shareLinks';

function read(): Record<string, string> {
  return Object.fromEntries(Object.entries(readStoredRecord(KEY)).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

const write = (links: Record<string, string>) => writeStoredRecord(KEY, links);

export function rememberLink(shareId: string, url: string): void {
  write({ ...read(), [shareId]: url });
}

export function rememberedLink(shareId: string): string | null {
  return read()[shareId] ?? null;
}

export function forgetLink(shareId: string): void {
  const links = read();
  delete links[shareId];
  write(links);
}

export function forgetAllLinks(): void {
  writeStoredRecord(KEY, null);
}
