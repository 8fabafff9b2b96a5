import { TARBALL_EXTENSION } from '../../shared/numbered-names';

/**
 * The name of the `n`th copy kept beside the original ("invoice (copy).pdf", then
 * "invoice (copy 2).pdf"); a folder's or an extensionless name gets the suffix at the end.
 */
export function copyName(name: string, n: number, type: 'file' | 'folder'): string {
  const suffix = n === 1 ? ' (copy)' : ` (copy ${n})`;
  // Compressed tarballs keep both extensions together, as the server's numbering does.
  const tarball = type === 'file' ? TARBALL_EXTENSION.exec(name) : null;
  const dot = tarball && tarball.index > 0 ? tarball.index : type === 'file' ? name.lastIndexOf('.') : -1;
  // A leading dot (".profile") starts the name, not an extension.
  if (dot <= 0) {
    return `${name}${suffix}`;
  }
  return `${name.slice(0, dot)}${suffix}${name.slice(dot)}`;
}
