import { invalidRequest } from '../errors.js';

const MAX_NAME_BYTES = 255;
// C0 and C1 controls, DEL, and the bidirectional overrides/isolates used to disguise extensions.
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

/**
 * Validates and normalises a file or folder name: NFC, trimmed, 1 to 255 bytes of UTF-8, no `/`, no
 * control or bidi-override characters, not `.` or `..`. Throws a 400 naming `field` otherwise.
 */
export function validateName(raw: string, field = 'name'): string {
  const name = raw.normalize('NFC').trim();
  if (name.length === 0) {
    throw invalidRequest(`${field}: must not be empty`);
  }
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) {
    throw invalidRequest(`${field}: must be at most ${MAX_NAME_BYTES} bytes of UTF-8`);
  }
  if (name.includes('/')) {
    throw invalidRequest(`${field}: must not contain "/"`);
  }
  if (FORBIDDEN.test(name)) {
    throw invalidRequest(`${field}: must not contain control or direction-override characters`);
  }
  if (name === '.' || name === '..') {
    throw invalidRequest(`${field}: must not be "." or ".."`);
  }
  return name;
}

/** "report.pdf" -> "report (1).pdf"; "archive" -> "archive (1)". Extensions stay at the end. */
export function numberedName(name: string, n: number): string {
  const dot = name.lastIndexOf('.');
  const hasExtension = dot > 0 && dot < name.length - 1;
  const stem = hasExtension ? name.slice(0, dot) : name;
  const extension = hasExtension ? name.slice(dot) : '';
  return `${stem} (${n})${extension}`;
}

/** The first "name (n).ext" not in `taken` (n from 1), or `name` itself when it is free. */
export function firstFreeName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) {
    return name;
  }
  for (let n = 1; ; n++) {
    const candidate = numberedName(name, n);
    if (!taken.has(candidate)) {
      return candidate;
    }
  }
}

/** The part of the name before the numbering is added, to find the names already taken. */
export function numberingPrefix(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 && dot < name.length - 1 ? name.slice(0, dot) : name;
}
