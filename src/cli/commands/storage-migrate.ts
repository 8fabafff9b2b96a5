import { createBlobStore } from '../../server/blobs/create-blob-store.js';
import type { Config } from '../../server/config.js';
import { openDatabase } from '../../server/db/client.js';
import { migrate as migrateSchema } from '../../server/db/migrate.js';
import { BlobsRepository } from '../../server/repositories/blobs.repository.js';
import { StorageMigrationService } from '../../server/services/storage-migration.service.js';

type StoreKind = Config['storage']['kind'];

/**
 * `fileflow storage migrate --to s3|local [--from local|s3]`: copies every blob to the other
 * store with the same keys and checks each copy's SHA-256. Safe to stop and run again.
 * Returns the process exit code.
 */
export async function storageMigrate(config: Config, options: { from: StoreKind; to: StoreKind }, out: (line: string) => void): Promise<number> {
  if (options.from === options.to) {
    out(`--to ${options.to}: the source and target stores are the same`);
    return 2;
  }
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateSchema(database.db);
    const source = await createBlobStore({ ...config, storage: { ...config.storage, kind: options.from } });
    const target = await createBlobStore({ ...config, storage: { ...config.storage, kind: options.to } });
    const service = new StorageMigrationService(new BlobsRepository(database.db));
    let seen = 0;
    const report = await service.migrate(source, target, (event) => {
      seen += 1;
      if (event.outcome === 'failed') {
        out(`failed ${event.sha256}: ${event.reason ?? ''}`);
      } else if (seen % 100 === 0) {
        out(`${seen} blobs checked`);
      }
    });
    source.close?.();
    target.close?.();
    out(
      `storage migrate ${options.from} -> ${options.to}: ${report.copied} copied (${report.bytesCopied} bytes), ` +
        `${report.alreadyThere} already there and verified, ${report.failed.length} failed`,
    );
    if (report.failed.length === 0) {
      out(`Every blob is in the ${options.to} store. Start FileFlow with FILEFLOW_STORAGE=${options.to}.`);
      return 0;
    }
    return 1;
  } finally {
    await database.close();
  }
}
