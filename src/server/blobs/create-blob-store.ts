import path from 'node:path';
import type { Config } from '../config.js';
import type { BlobStore } from './blob-store.js';
import { LocalBlobStore } from './local-blob-store.js';

/**
 * The blob store the configuration names, ready for use. With `checkStore` (the default) an S3
 * bucket that does not answer stops start-up; without it, the store is used as it comes.
 */
export async function createBlobStore(config: Config, options: { checkStore?: boolean } = {}): Promise<BlobStore> {
  switch (config.storage.kind) {
    case 'local': {
      const store = new LocalBlobStore(path.join(config.dataDir, 'blobs'));
      await store.init();
      return store;
    }
    case 's3': {
      const { createS3BlobStore } = await import('./s3-blob-store.js');
      return createS3BlobStore(config, options.checkStore ?? true);
    }
  }
}
