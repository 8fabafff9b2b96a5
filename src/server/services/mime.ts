import { lookup } from 'mime-types';

/**
 * The MIME type for a file name, by its extension; application/octet-stream when unknown. A name
 * without a dot after its first character ("pdf", ".png") has no extension, though mime-types
 * would read the whole name as one (found by an outside-in audit).
 */
export function mimeTypeOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return (dot > 0 && lookup(name.slice(dot))) || 'application/octet-stream';
}
