/**
 * Why `name` cannot name a file or folder, said before the server refuses it in its own terms
 * ("name: must not be …"); null when it can. The server trims it and has the last word.
 */
export function fileNameProblem(name: string): string | null {
  if (name.includes('/')) {
    return 'Names cannot contain "/".';
  }
  if (name === '.' || name === '..') {
    return 'A name cannot be “.” or “..”.';
  }
  if (new TextEncoder().encode(name).length > 255) {
    return 'This name is too long: at most 255 bytes (an accented letter or an emoji takes two to four).';
  }
  return null;
}
