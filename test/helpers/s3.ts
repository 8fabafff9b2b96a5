import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

export interface TestS3 {
  endpoint: string;
  bucket: string;
  /** The environment that points FileFlow at this server. */
  env: Record<string, string>;
  stop(): Promise<void>;
  /** Stops answering (the port refuses connections), keeping the bucket's content for resume(). */
  pause(): Promise<void>;
  /** Answers again on the same port, with the same content. */
  resume(): Promise<void>;
}

/** An s3rver on a free loopback port with an empty bucket, for tests of the S3 blob store. */
export async function startS3(bucket = 'fileflow-test'): Promise<TestS3> {
  const directory = await mkdtemp(path.join(tmpdir(), 'fileflow-s3-'));
  const serve = (port: number) => new S3rver({ port, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
  let server: S3rver | null = serve(0);
  const { port } = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    env: {
      FILEFLOW_STORAGE: 's3',
      S3_BUCKET: bucket,
      S3_ENDPOINT: endpoint,
      S3_REGION: 'us-east-1',
      S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
    },
    async stop() {
      await server?.close();
      server = null;
      await rm(directory, { recursive: true, force: true });
    },
    async pause() {
      await server?.close();
      server = null;
    },
    async resume() {
      server = serve(port);
      await server.run();
    },
  };
}
