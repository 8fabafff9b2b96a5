import { lookup } from 'mime-types';

/** The MIME type for a file name, by its extension; application/octet-stream when unknown. */
export function mimeTypeOf(name: string): string {
  return lookup(name) || 'application/octet-stream';
}
