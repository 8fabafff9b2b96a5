import { randomBytes } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import {
  CopyObjectCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  UploadPartCopyCommand,
  AbortMultipartUploadCommand,
  ListMultipartUploadsCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ConfigError, type Config } from '../config.js';
import { AppError, storageUnavailable } from '../errors.js';
import { sha256OfKey, type BlobStore, type ByteRange, type ListedObject, type StagedBlob } from './blob-store.js';
import { byteWindow } from './byte-window.js';

const STAGING_PREFIX = 'staging/';
export const PART_SIZE = 5 * 1024 * 1024;
// Parts in flight per upload: memory stays near PART_SIZE * (QUEUE_SIZE + 1) whatever the file size.
const QUEUE_SIZE = 1;
// CopyObject handles up to 5 GiB; larger objects are copied part by part.
const SINGLE_COPY_LIMIT = 5 * 1024 ** 3;
const COPY_PART_SIZE = 512 * 1024 * 1024;

export interface S3Settings {
  bucket: string;
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Longest wait for a connection, and for the first byte of an answer that carries no upload. */
  timeoutMs: number;
  /** Longest time a connection to the store may carry no byte either way, mid-transfer included. */
  idleTimeoutMs: number;
}

/**
 * Whether an SDK error means the store is out of reach or failing on its side (no HTTP answer at
 * all, after the SDK's retries, or a 5xx), rather than refusing this one request.
 */
function isUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) {
    return false;
  }
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === undefined || status >= 500;
}

/**
 * Whether an error of the store's client is its silence: no HTTP answer at all after the SDK's
 * attempts (timed out, refused, reset), rather than an answer, even a 5xx.
 */
function isSilence(error: unknown): boolean {
  if (!(error instanceof AppError && error.status === 503)) {
    return false;
  }
  const cause = error.cause as { $metadata?: { httpStatusCode?: number } } | undefined;
  return cause?.$metadata?.httpStatusCode === undefined;
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}

/**
 * Content in an S3-compatible bucket under the same keys as on disk (blobs/aa/bb/<sha256>).
 * An upload streams to a temporary key under staging/ (multipart, bounded memory) because its
 * hash is known only at the end; promotion copies it under its content key and deletes the
 * temporary object. Failed multipart uploads are aborted; the staging sweep removes leftovers.
 */
export class S3BlobStore implements BlobStore {
  readonly kind = 's3' as const;
  private readonly client: S3Client;
  private readonly uploadClient: S3Client;
  private readonly bucket: string;
  private readonly stagedSizes = new Map<string, number>();
  /** For requests that send no content: the store must start answering within the timeout. */
  private readonly prompt: { requestTimeout: number };

  constructor(settings: S3Settings) {
    this.bucket = settings.bucket;
    this.prompt = { requestTimeout: settings.timeoutMs };
    // A store that accepts connections but never answers (hung, or a network path gone
    // half-open) must fail the request, not hold it for ever: the SDK sets no timeout of its own.
    // Reads wait `timeoutMs` for their first byte (this.prompt), then may pause as long as a
    // download to a slow client does (the idle timeout, as for client connections). Uploads
    // move bytes all along, so their own client allows `timeoutMs` of silence. Every other
    // command waits `timeoutMs` for its answer too, except the server-side copies that promote
    // content (CopyObject, UploadPartCopy): the store copies before it answers, for as long as
    // the object's size takes, so they are bounded by the idle timeout instead.
    this.client = createClient(settings, settings.idleTimeoutMs);
    this.uploadClient = createClient(settings, settings.timeoutMs);
  }

  private stagingKey(staged: StagedBlob): string {
    if (!/^\d+-[0-9a-f]{24}$/.test(staged.id)) {
      throw new Error(`invalid staging id: ${staged.id}`);
    }
    return `${STAGING_PREFIX}${staged.id}`;
  }

  private checkKey(key: string): string {
    if (!sha256OfKey(key)) {
      throw new Error(`invalid content key: ${key}`);
    }
    return key;
  }

  async stage(source: Readable): Promise<StagedBlob> {
    const staged = { id: `${Date.now()}-${randomBytes(12).toString('hex')}` };
    const key = this.stagingKey(staged);
    let size = 0;
    const counted = source.pipe(
      new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          size += chunk.length;
          callback(null, chunk);
        },
      }),
    );
    // The source's own failure (the quota or size limit reached, the client gone) is the answer.
    // lib-storage reports the abort of its multipart upload instead when that abort fails too
    // (s3rver has none: a 507 became a 500).
    let sourceError: unknown;
    source.once('error', (error) => {
      sourceError = error;
      counted.destroy(error);
    });
    // The multipart upload is aborted here rather than by lib-storage, which sent its abort however
    // the upload had failed: a store that stopped answering in the middle of an upload held the
    // request for the abort's three attempts too, after the part's.
    const upload = new Upload({
      client: this.uploadClient,
      params: { Bucket: this.bucket, Key: key, Body: counted },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: true,
    });
    try {
      await upload.done();
    } catch (error) {
      // What the store may hold of it (a multipart upload's parts, or a single PUT that landed
      // after all) is removed while the store answers. One that gave no answer at all is not
      // asked again: the staging sweep aborts and removes what it left.
      if (sourceError !== undefined || !isSilence(error)) {
        await this.removeStaging(key, upload.uploadId);
      }
      throw sourceError ?? error;
    }
    this.stagedSizes.set(staged.id, size);
    return staged;
  }

  /**
   * Aborts a staging key's multipart upload, if it has one, and deletes the key (a single PUT may
   * have landed): each attempt bounded by the timeout, failures ignored.
   */
  private async removeStaging(key: string, uploadId: string | undefined): Promise<void> {
    await Promise.all([
      uploadId === undefined
        ? undefined
        : this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }), this.prompt).catch(() => undefined),
      this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }), this.prompt).catch(() => undefined),
    ]);
  }

  async promote(staged: StagedBlob, key: string): Promise<void> {
    const source = this.stagingKey(staged);
    const target = this.checkKey(key);
    let size = this.stagedSizes.get(staged.id);
    if (size === undefined) {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: source }), this.prompt);
      size = head.ContentLength ?? 0;
    }
    if (size <= SINGLE_COPY_LIMIT) {
      await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: target, CopySource: `${this.bucket}/${source}` }));
    } else {
      await this.copyInParts(source, target, size);
    }
    await this.discard(staged);
  }

  private async copyInParts(source: string, target: string, size: number): Promise<void> {
    const { UploadId } = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: target }), this.prompt);
    try {
      const parts: Array<{ ETag: string | undefined; PartNumber: number }> = [];
      for (let start = 0, partNumber = 1; start < size; start += COPY_PART_SIZE, partNumber++) {
        const end = Math.min(start + COPY_PART_SIZE, size) - 1;
        const part = await this.client.send(
          new UploadPartCopyCommand({
            Bucket: this.bucket,
            Key: target,
            UploadId,
            PartNumber: partNumber,
            CopySource: `${this.bucket}/${source}`,
            CopySourceRange: `bytes=${start}-${end}`,
          }),
        );
        parts.push({ ETag: part.CopyPartResult?.ETag, PartNumber: partNumber });
      }
      await this.client.send(new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: target, UploadId, MultipartUpload: { Parts: parts } }), this.prompt);
    } catch (error) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: target, UploadId }), this.prompt).catch(() => undefined);
      throw error;
    }
  }

  async discard(staged: StagedBlob): Promise<void> {
    this.stagedSizes.delete(staged.id);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.stagingKey(staged) }), this.prompt);
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.checkKey(key) }), this.prompt);
      return true;
    } catch (error) {
      if (isNotFound(error)) {
        return false;
      }
      throw error;
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const response = await this.client.send(
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: this.checkKey(key),
        Range: range ? `bytes=${range.start}-${range.end}` : undefined,
      }),
      this.prompt,
    );
    if (!(response.Body instanceof Readable)) {
      throw new Error(`no body for ${key}`);
    }
    if (!range) {
      return response.Body;
    }
    // HTTP lets a server ignore Range (and s3rver sends the whole object for bytes=0-0): never
    // pass on more or other bytes than were asked for, or the response would outrun its length.
    const served = parseContentRange(response.ContentRange);
    if (served?.start === range.start && served.end === range.end) {
      return response.Body;
    }
    const offset = range.start - (served?.start ?? 0);
    if (offset < 0) {
      response.Body.destroy();
      throw new Error(`the store sent bytes ${response.ContentRange ?? '(whole)'} for ${range.start}-${range.end} of ${key}`);
    }
    return byteWindow(response.Body, offset, range.end - range.start + 1);
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.checkKey(key) }), this.prompt);
  }

  /** Objects under a prefix, page by page. */
  async *listPrefix(prefix: string): AsyncIterable<{ key: string; modifiedAt: Date }> {
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }), this.prompt);
      for (const object of page.Contents ?? []) {
        if (object.Key) {
          yield { key: object.Key, modifiedAt: object.LastModified ?? new Date(0) };
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async *list(): AsyncIterable<ListedObject> {
    for await (const { key, modifiedAt } of this.listPrefix('blobs/')) {
      if (sha256OfKey(key)) {
        // The listing says it already.
        yield { key, modifiedAt: () => Promise.resolve(modifiedAt) };
      }
    }
  }

  /** Several machines share a bucket, so staging objects are judged by age alone. */
  async sweepStaging(olderThanMs: number): Promise<number> {
    const cutoff = Date.now() - olderThanMs;
    let removed = 0;
    for await (const object of this.listPrefix(STAGING_PREFIX)) {
      if (object.modifiedAt.getTime() < cutoff) {
        await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: object.key }), this.prompt);
        removed += 1;
      }
    }
    try {
      const uploads = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: STAGING_PREFIX }), this.prompt);
      for (const upload of uploads.Uploads ?? []) {
        if (upload.Key && upload.UploadId && (upload.Initiated?.getTime() ?? 0) < cutoff) {
          await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: upload.Key, UploadId: upload.UploadId }), this.prompt);
          removed += 1;
        }
      }
    } catch {
      // Not every S3-compatible server lists multipart uploads; their own lifecycle rules clean up.
    }
    return removed;
  }

  async ping(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), this.prompt);
  }

  /** Releases the client's sockets. */
  close(): void {
    this.client.destroy();
    this.uploadClient.destroy();
  }
}

/**
 * Connections one client may hold to the store at once. A download holds one for as long as its
 * client takes to read it: with the SDK's default of 50, fifty slow downloads in one worker made
 * every other command of that worker wait for a socket until its timeout, so downloads, uploads
 * and the health check answered 503 while the store was fine (found by a probe). Beyond this many
 * downloads at once, the process's file descriptors are the nearer limit.
 */
const MAX_STORE_SOCKETS = 1024;

/**
 * An S3 client for the settings whose connections may stay silent `socketTimeout` ms. A store that
 * does not answer, or fails on its side, makes any command (after its retries; uploads' parts
 * too) a 503 for the client, with the SDK's error as its cause.
 */
function createClient(settings: S3Settings, socketTimeout: number): S3Client {
  const client = new S3Client({
    region: settings.region,
    endpoint: settings.endpoint,
    forcePathStyle: settings.forcePathStyle,
    credentials: settings.credentials,
    // Checksums only where S3 requires them: S3-compatible servers differ in what they accept.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: {
      connectionTimeout: settings.timeoutMs,
      socketTimeout,
      throwOnRequestTimeout: true,
      httpAgent: { maxSockets: MAX_STORE_SOCKETS },
      httpsAgent: { maxSockets: MAX_STORE_SOCKETS },
    },
  });
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        throw isUnavailable(error) ? storageUnavailable(error) : error;
      }
    },
    { step: 'initialize', name: 'fileflowStoreUnavailable' },
  );
  return client;
}

/**
 * The S3 store the configuration names; with `check`, stops start-up with one clear line when the
 * bucket does not answer.
 */
export async function createS3BlobStore(config: Config, check = true): Promise<S3BlobStore> {
  const { bucket, endpoint, region, forcePathStyle, credentials, timeoutMs } = config.storage.s3;
  if (!bucket) {
    throw new ConfigError('S3_BUCKET: required when FILEFLOW_STORAGE=s3');
  }
  const store = new S3BlobStore({ bucket, endpoint, region, forcePathStyle, credentials, timeoutMs, idleTimeoutMs: config.idleTimeoutMs });
  if (!check) {
    return store;
  }
  try {
    await store.ping();
  } catch (thrown) {
    const error = thrown instanceof AppError && thrown.status === 503 ? thrown.cause : thrown;
    const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const status = e.$metadata?.httpStatusCode;
    const reason =
      status === 404 ? 'the bucket does not exist' : status === 403 ? 'access denied (check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)' : (e.message ?? e.name ?? 'no answer');
    store.close();
    throw new ConfigError(`S3_BUCKET: bucket "${bucket}" is not usable${endpoint ? ` at ${endpoint}` : ''}: ${reason}`);
  }
  return store;
}

/** The first and last byte of a `Content-Range: bytes a-b/size` header, or null. */
function parseContentRange(header: string | undefined): { start: number; end: number } | null {
  const match = header ? /^bytes (\d+)-(\d+)\/(?:\d+|\*)$/.exec(header.trim()) : null;
  return match ? { start: Number(match[1]), end: Number(match[2]) } : null;
}
