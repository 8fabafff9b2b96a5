import { invalidRequest } from '../errors.js';

const MAX_NAME_BYTES = 255;
// C0 and C1 controls, DEL, and the bidirectional overrides/isolates used to disguise extensions.
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;
// Half of a UTF-16 surrogate pair on its own ("\ud800" in JSON): no UTF-8 can hold it, and the
// database driver would store U+FFFD instead, a name the client never sent.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Validates and normalises a file or folder name: NFC, trimmed, 1 to 255 bytes of UTF-8, no `/`, no
 * control or bidi-override characters, not `.` or `..`. Throws a 400 naming `field` otherwise.
 */
export function validateName(raw: string, field = 'name'): string {
  const normalized = raw.normalize('NFC');
  // Checked before trimming: trim() would quietly drop a tab or newline at either end, which the
  // contract refuses like any other control character (only spaces are trimmed).
  if (FORBIDDEN.test(normalized)) {
    throw invalidRequest(`${field}: must not contain control or direction-override characters`);
  }
  if (LONE_SURROGATE.test(normalized)) {
    throw invalidRequest(`${field}: must be valid Unicode (it holds half of a surrogate pair)`);
  }
  const name = normalized.trim();
  if (name.length === 0) {
    throw invalidRequest(`${field}: must not be empty`);
  }
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) {
    throw invalidRequest(`${field}: must be at most ${MAX_NAME_BYTES} bytes of UTF-8`);
  }
  if (name.includes('/')) {
    throw invalidRequest(`${field}: must not contain "/"`);
  }
  if (name === '.' || name === '..') {
    throw invalidRequest(`${field}: must not be "." or ".."`);
  }
  return name;
}

/** The longest prefix of `text` with at most `maxBytes` bytes of UTF-8, cut between characters. */
function truncateUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    bytes += Buffer.byteLength(char, 'utf8');
    if (bytes > maxBytes) {
      break;
    }
    end += char.length;
  }
  return text.slice(0, end);
}

// Room kept for the widest " (n)" that numbering adds, so that every numbered name fits in
// MAX_NAME_BYTES and starts with numberingPrefix().
const NUMBER_ROOM = Buffer.byteLength(` (${Number.MAX_SAFE_INTEGER})`);

/** What a numbered name keeps at its end: a file's extension; a folder keeps nothing ("v1.2 (1)"). */
export type NumberingKind = 'file' | 'folder';

// Compressed tarballs: their two extensions stay together ("photos (1).tar.gz", as Finder and
// Dropbox number them), where any other name keeps only its last ("v1.2 (1).zip").
const TARBALL_EXTENSION = /\.tar\.(gz|bz2|xz|zst|lz|lz4|lzma|br|z)$/i;

/** A name's stem and extension for numbering; an extension too long to keep beside a number counts as stem. */
function splitForNumbering(name: string, kind: NumberingKind = 'file'): { stem: string; extension: string } {
  if (kind === 'folder') {
    return { stem: name, extension: '' };
  }
  const tarball = TARBALL_EXTENSION.exec(name);
  const dot = tarball && tarball.index > 0 ? tarball.index : name.lastIndexOf('.');
  const extension = dot > 0 && dot < name.length - 1 ? name.slice(dot) : '';
  if (extension === '' || Buffer.byteLength(extension) + NUMBER_ROOM >= MAX_NAME_BYTES) {
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
  return `${truncateUtf8(stem, MAX_NAME_BYTES - Buffer.byteLength(suffix) - Buffer.byteLength(extension))}${suffix}${extension}`;
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
  return truncateUtf8(stem, MAX_NAME_BYTES - NUMBER_ROOM - Buffer.byteLength(extension));
}
