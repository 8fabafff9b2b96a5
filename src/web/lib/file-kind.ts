import type { FileNode } from '../api/types';

export type FileKind = 'folder' | 'image' | 'video' | 'audio' | 'pdf' | 'text' | 'archive' | 'document' | 'other';

const EXTENSION_KIND: Record<string, FileKind> = {};
const register = (kind: FileKind, extensions: string) => extensions.split(' ').forEach((ext) => (EXTENSION_KIND[ext] = kind));
register('image', 'png jpg jpeg gif webp avif bmp ico svg heic');
register('video', 'mp4 webm ogv mov m4v mkv');
register('audio', 'mp3 wav ogg oga m4a flac aac opus');
register('pdf', 'pdf');
register(
  'text',
  'txt md markdown csv tsv log json jsonc yaml yml toml ini conf cfg xml html htm css scss less js mjs cjs jsx ts tsx py rb go rs java kt c h cpp hpp cs php sh bash zsh sql swift lua pl r dart vue svelte env gitignore dockerfile makefile',
);
register('archive', 'zip tar gz tgz bz2 xz 7z rar zst');
register('document', 'doc docx odt rtf xls xlsx ods ppt pptx odp pages numbers key epub');

/** The lower-cased extension without the dot ("" when none). */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0
    ? name.slice(dot + 1).toLowerCase()
    : name.toLowerCase() === 'dockerfile' || name.toLowerCase() === 'makefile'
      ? name.toLowerCase()
      : '';
}

/** What kind of thing a node is, from its MIME type and falling back to its extension. */
export function kindOf(node: { type: FileNode['type']; name: string; mimeType?: string | null }): FileKind {
  if (node.type === 'folder') {
    return 'folder';
  }
  const mime = node.mimeType ?? '';
  const byExtension = EXTENSION_KIND[extensionOf(node.name)];
  // TypeScript sources are "video/mp2t" to MIME databases; the extension knows better.
  if (byExtension === 'text' && mime === 'video/mp2t') {
    return 'text';
  }
  if (mime === 'application/pdf') {
    return 'pdf';
  }
  if (mime.startsWith('image/')) {
    return 'image';
  }
  if (mime.startsWith('video/')) {
    return 'video';
  }
  if (mime.startsWith('audio/')) {
    return 'audio';
  }
  if (byExtension) {
    return byExtension;
  }
  if (mime.startsWith('text/') || /json|xml|javascript|yaml|toml/.test(mime)) {
    return 'text';
  }
  return 'other';
}

// Text people write and read (not source code): shown with a document's icon, previewed as text.
const PROSE_EXTENSIONS = new Set(['txt', 'text', 'md', 'markdown', 'rst', 'log']);

/** The kind whose icon a node shows: its kind, except that plain text and Markdown look like documents. */
export function iconKindOf(node: { type: FileNode['type']; name: string; mimeType?: string | null }): FileKind {
  const kind = kindOf(node);
  if (kind !== 'text') {
    return kind;
  }
  const extension = extensionOf(node.name);
  const prose = PROSE_EXTENSIONS.has(extension) || (extension === '' && /^text\/(plain|markdown)\b/.test(node.mimeType ?? ''));
  return prose ? 'document' : 'text';
}

/**
 * How a file can be previewed in the browser. SVG is not rendered (the server will not serve it
 * inline, it can carry script); HEIC and MKV rarely play, but the browser gets to try.
 */
export function previewKind(node: {
  type: FileNode['type'];
  name: string;
  mimeType?: string | null;
}): 'image' | 'video' | 'audio' | 'pdf' | 'text' | 'none' {
  const kind = kindOf(node);
  if (kind === 'image' && (extensionOf(node.name) === 'svg' || node.mimeType === 'image/svg+xml')) {
    return 'text';
  }
  switch (kind) {
    case 'image':
    case 'video':
    case 'audio':
    case 'pdf':
    case 'text':
      return kind;
    case 'folder':
    case 'archive':
    case 'document':
    case 'other':
      return 'none';
  }
}
