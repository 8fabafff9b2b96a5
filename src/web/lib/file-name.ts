const MAX_NAME_BYTES = 255;
// The server's rules (services/names.ts): C0 and C1 controls, DEL, and the bidirectional
// overrides and isolates that disguise an extension.
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Why `value` (as typed, not trimmed) cannot name a file or folder, said before the server refuses
 * it in its own terms ("name: must not be …"); null when the server takes it. The same checks in
 * the same order as the server's: on the NFC form (a name pasted from macOS comes decomposed, its
 * accents and Hangul taking more bytes than the server will count), control and direction
 * characters before trimming, then the length in bytes of UTF-8 of the trimmed name.
 */
export function fileNameProblem(value: string): string | null {
  const normalized = value.normalize('NFC');
  if (FORBIDDEN.test(normalized)) {
    return 'Names cannot contain control characters (such as a tab) or invisible text-direction marks.';
  }
  if (LONE_SURROGATE.test(normalized)) {
    return 'This name holds a broken character: type or paste it again.';
  }
  const name = normalized.trim();
  if (name.length === 0) {
    return 'Enter a name.';
  }
  if (name.includes('/')) {
    return 'Names cannot contain "/".';
  }
  if (name === '.' || name === '..') {
    return 'A name cannot be “.” or “..”.';
  }
  if (new TextEncoder().encode(name).length > MAX_NAME_BYTES) {
    return 'This name is too long: at most 255 bytes (an accented letter or an emoji takes two to four).';
  }
  return null;
}
