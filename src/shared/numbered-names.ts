/**
 * How a name taken in a folder is numbered ("report (1).pdf"): the server's rule for uploads with
 * `conflict=rename` and for restores from the trash, and the web UI's for a move that keeps both
 * items. One module for both, so that they never number differently. Pure: no Node or DOM API.
 */

const MAX_NAME_BYTES = 255;

/** The length of `text` in bytes of UTF-8 (a lone surrogate counts as the 3 bytes of U+FFFD it is written as). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** The longest prefix of `text` with at most `maxBytes` bytes of UTF-8, cut between characters. */
function truncateUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    bytes += utf8Length(char);
    if (bytes > maxBytes) {
      break;
    }
    end += char.length;
  }
  return text.slice(0, end);
}

// Room kept for the widest " (n)" that numbering adds, so that every numbered name fits in
// MAX_NAME_BYTES and starts with numberingPrefix().
const NUMBER_ROOM = utf8Length(` (${Number.MAX_SAFE_INTEGER})`);

/** What a numbered name keeps at its end: a file's extension; a folder keeps nothing ("v1.2 (1)"). */
export type NumberingKind = 'file' | 'folder';

/**
 * Compressed tarballs: their two extensions stay together ("photos (1).tar.gz", as Finder and
 * Dropbox number them), where any other name keeps only its last ("v1.2 (1).zip").
 */
export const TARBALL_EXTENSION = /\.tar\.(gz|bz2|xz|zst|lz|lz4|lzma|br|z)$/i;

/** A name's stem and extension for numbering; an extension too long to keep beside a number counts as stem. */
function splitForNumbering(name: string, kind: NumberingKind = 'file'): { stem: string; extension: string } {
  if (kind === 'folder') {
    return { stem: name, extension: '' };
  }
  const tarball = TARBALL_EXTENSION.exec(name);
  const dot = tarball && tarball.index > 0 ? tarball.index : name.lastIndexOf('.');
  const extension = dot > 0 && dot < name.length - 1 ? name.slice(dot) : '';
  if (extension === '' || utf8Length(extension) + NUMBER_ROOM >= MAX_NAME_BYTES) {
    return { stem: name, extension: '' };
  }
  return { stem: name.slice(0, dot), extension };
}

/**
 * "report.pdf" -> "report (1).pdf"; "archive" -> "archive (1)". Extensions stay at the end; a
 * stem is shortened (whole characters) when the result would pass the 255-byte limit.
 */
export function numberedName(name: string, n: number, kind: NumberingKind = 'file'): string {
  const { stem, extension } = splitForNumbering(name, kind);
  const suffix = ` (${n})`;
  return `${truncateUtf8(stem, MAX_NAME_BYTES - utf8Length(suffix) - utf8Length(extension))}${suffix}${extension}`;
}

/**
 * A name that already ends in a number, "report (1).pdf", as its unnumbered form and that number,
 * so that a clash numbers on from it ("report (2).pdf") as Dropbox and Nextcloud do, rather than
 * nesting ("report (1) (1).pdf").
 */
function alreadyNumbered(name: string, kind: NumberingKind): { base: string; n: number } | undefined {
  const { stem, extension } = splitForNumbering(name, kind);
  const match = / \((\d{1,9})\)$/.exec(stem);
  if (!match || match.index === 0) {
    return undefined;
  }
  return { base: `${stem.slice(0, match.index)}${extension}`, n: Number(match[1]) };
}

/**
 * The first "name (n).ext" not in `taken` (n from 1), or `name` itself when it is free. A name
 * already numbered numbers on: "a (1).txt" becomes "a (2).txt".
 */
export function firstFreeName(name: string, taken: ReadonlySet<string>, kind: NumberingKind = 'file'): string {
  if (!taken.has(name)) {
    return name;
  }
  const numbered = alreadyNumbered(name, kind);
  const base = numbered?.base ?? name;
  for (let n = (numbered?.n ?? 0) + 1; ; n++) {
    const candidate = numberedName(base, n, kind);
    if (!taken.has(candidate)) {
      return candidate;
    }
  }
}

/** What the name and all its numbered forms start with, to find the names already taken. */
export function numberingPrefix(name: string, kind: NumberingKind = 'file'): string {
  const { stem, extension } = splitForNumbering(alreadyNumbered(name, kind)?.base ?? name, kind);
  return truncateUtf8(stem, MAX_NAME_BYTES - NUMBER_ROOM - utf8Length(extension));
}
