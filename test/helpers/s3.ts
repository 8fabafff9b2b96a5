import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
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

export interface HangingProxy {
  /** http://127.0.0.1:<port>, to use as S3_ENDPOINT. */
  endpoint: string;
  /** From now on connections are accepted and never answered (open ones are dropped): a hung store. */
  hang(): void;
  /** Forwards new connections again. */
  release(): void;
  /** How many connections it has accepted and left unanswered since it began to hang. */
  unanswered(): number;
  close(): Promise<void>;
}

/** A TCP proxy to `target` (an http://host:port) that can play a store that accepts connections but never answers. */
export async function startHangingProxy(target: string): Promise<HangingProxy> {
  const { hostname, port } = new URL(target);
  let hanging = false;
  let unanswered = 0;
  const open = new Set<Socket>();
  const server = createServer((client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => undefined);
    if (hanging) {
      unanswered += 1;
      client.resume();
      return;
    }
    const upstream = connect(Number(port), hostname);
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const proxyPort = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${proxyPort}`,
    hang() {
      hanging = true;
      unanswered = 0;
      for (const socket of open) {
        socket.destroy();
      }
    },
    release() {
      hanging = false;
    },
    unanswered: () => unanswered,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) {
          socket.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
