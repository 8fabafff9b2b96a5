/** The most characters (code points) the server takes in a saved search's name. */
const MAX_CHARACTERS = 100;
// The server refuses C0 controls and DEL (routes/search.schemas.ts, NO_CONTROLS); unlike file
// names, C1 controls and direction marks are allowed.
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Why `value` (as typed) cannot name a saved search, said before the server refuses it; null when
 * the server takes it. The server's rule in its order: trimmed (JavaScript's trim, which also
 * drops a tab or a no-break space at either end), then NFC, then 1 to 100 characters counted as
 * code points (an emoji is one), then no control character.
 */
export function savedSearchNameProblem(value: string): string | null {
  const name = value.trim().normalize('NFC');
  if (name.length === 0) {
    return 'Enter a name.';
  }
  const characters = [...name].length;
  if (characters > MAX_CHARACTERS) {
    return `This name is too long: at most ${MAX_CHARACTERS} characters, and it has ${characters.toLocaleString()} as it is stored (spaces at either end do not count).`;
  }
  if (CONTROL.test(name)) {
    return 'Names cannot contain control characters (such as a tab).';
  }
  return null;
}
