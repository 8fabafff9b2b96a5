/**
 * The addresses of share links created in this browser. The server keeps only a hash of a link's
 * token, so it can show an address once, when the link is created; the browser that created it
 * remembers it here so that its owner can copy it again later. Cleared on sign out.
 */
const KEY = 'fileflow.shareLinks';

function read(): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '{}');
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

function write(links: Record<string, string>): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(links));
  } catch {
    // Storage full or refused: the address is simply not remembered.
  }
}

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
  try {
    localStorage.removeItem(KEY);
  } catch {
    // Nothing was stored.
  }
}
