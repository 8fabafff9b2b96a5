/** Shapes of the FileFlow HTTP contract (API.md) as the web UI uses them. */

export type NodeType = 'file' | 'folder';

/** A file or folder. Trash listings add trashedAt, originalParentId and originalFolderName. */
export interface FileNode {
  id: string;
  name: string;
  type: NodeType;
  parentId: string | null;
  size: number;
  mimeType: string | null;
  sha256: string | null;
  favorite: boolean;
  etag: string;
  modifiedAt: string;
  createdAt: string;
  updatedAt: string;
  trashedAt?: string | null;
  originalParentId?: string | null;
  /** The name of the folder it was trashed from while that folder is live, else null (older servers omit it). */
  originalFolderName?: string | null;
}

export interface Breadcrumb {
  id: string;
  name: string;
}

export interface Listing {
  folder: FileNode | null;
  breadcrumbs: Breadcrumb[];
  items: FileNode[];
  total: number;
}

export type SortKey = 'name' | 'size' | 'createdAt' | 'type';
export type SortOrder = 'asc' | 'desc';

export interface User {
  id: string;
  username: string;
  email: string;
  storageUsed: number;
  storageQuota: number;
  storagePercentage: number;
  createdAt: string;
}

export interface AccessToken {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt?: string | null;
}

export interface NewAccessToken {
  id: string;
  name: string;
  token: string;
  createdAt: string;
}

/** A search hit: a node plus the path of the folder it lives in. */
export interface SearchResult extends FileNode {
  path: string;
}

export interface SearchResults {
  results: SearchResult[];
  total: number;
}

export interface SearchFilters {
  q: string;
  types: string[];
  sizeMin?: number;
  sizeMax?: number;
  from?: string;
  to?: string;
}

export interface SearchProfile {
  id: string;
  name: string;
  query: string;
  fileTypes: string[];
  sizeMin?: number | null;
  sizeMax?: number | null;
  dateFrom?: string | null;
  dateTo?: string | null;
}

export interface ShareLink {
  id: string;
  /** The secret part of the link; absent when the server cannot show it (a link made before it kept them). */
  token?: string;
  url?: string;
  nodeId: string;
  expiresAt: string | null;
  maxDownloads: number | null;
  accessCount: number;
  hasPassword: boolean;
  createdAt: string;
  /** Not in the contract's minimum; shown when a server provides them. */
  nodeName?: string;
  nodeType?: NodeType;
}

export interface NewShare {
  nodeId: string;
  expiresInDays?: number;
  expiresAt?: string;
  password?: string;
  maxDownloads?: number;
}

/** A change to a link: absent fields stay; null removes the password or the download limit. */
export interface ShareChanges {
  expiresInDays?: number;
  expiresAt?: string;
  password?: string | null;
  maxDownloads?: number | null;
}

/** What anyone with the link sees of a share before (and after) unlocking it. */
export interface PublicShare {
  name: string;
  type: NodeType;
  size: number;
  expiresAt: string | null;
  requiresPassword: boolean;
  mimeType?: string | null;
  /** Completed downloads left (null: no limit); a preview is a download too. */
  downloadsLeft?: number | null;
}

/** A folder listing inside a shared folder; servers may omit the folder and breadcrumbs. */
export interface PublicListing {
  folder?: { id: string; name: string } | null;
  breadcrumbs?: Breadcrumb[];
  items: FileNode[];
  total?: number;
}

/** A signed-in browser (GET /api/sessions). */
export interface SignedInSession {
  id: string;
  userAgent: string | null;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  /** This browser's own session. */
  current: boolean;
}
