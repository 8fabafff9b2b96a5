import { readStoredRecord, writeStoredRecord } from './stored-record';

/**
 * The addresses of share links created in this browser. The server keeps only a hash of a link's
 * token, so it can show an address once, when the link is created; the browser that created it
 * remembers it here so that its owner can copy it again later. Cleared on sign out.
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
