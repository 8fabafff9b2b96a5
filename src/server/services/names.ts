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

// Numbering a taken name ("report (1).pdf") is shared with the web UI, which numbers a move that keeps both.
export { firstFreeName, numberedName, numberingPrefix, type NumberingKind } from '../../shared/numbered-names.js';
