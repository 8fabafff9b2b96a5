import type { Config } from '../config.js';
import type { BlobStore } from './blob-store.js';

/** The S3-compatible store (issue: S3 storage); loaded only when FILEFLOW_STORAGE=s3. */
export function createS3BlobStore(_config: Config): Promise<BlobStore> {
  return Promise.reject(new Error('FILEFLOW_STORAGE=s3 is not available in this version yet; use local'));
}
