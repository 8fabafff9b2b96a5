import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
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
  /**
   * Passes on `bytes` more bytes of requests, then hangs in the middle of one: nothing more is
   * passed on either way, the connections open then are held (read, never answered, not closed),
   * and new ones are accepted and never answered.
   */
  hangAfter(bytes: number): void;
  /** Forwards new connections again (held ones stay held). */
  release(): void;
  /** How many connections it has accepted and left unanswered since it began to hang. */
  unanswered(): number;
  /** How many connections it holds with a request it never answered, that their client has not closed. */
  held(): number;
  /** The request lines ("DELETE /bucket/key?uploadId=...") of the requests it passed on to the store. */
  forwarded(): string[];
  close(): Promise<void>;
}

/** A TCP proxy to `target` (an http://host:port) that can play a store that accepts connections but never answers. */
export async function startHangingProxy(target: string): Promise<HangingProxy> {
  const { hostname, port } = new URL(target);
  let hanging = false;
  let unanswered = 0;
  // Bytes of requests still passed on before hanging mid-request.
  let budget = Infinity;
  const open = new Set<Socket>();
  // Held connections, and whether a request came on each (an idle pooled one may never carry one).
  const held = new Map<Socket, boolean>();
  const forwarded: string[] = [];
  // Each connection's way to stop passing bytes on, leaving its client held.
  const cutters = new Set<() => void>();
  const hold = (client: Socket, asked: boolean) => {
    held.set(client, asked);
    client.on('data', () => held.set(client, true));
    client.resume();
  };
  const hangNow = () => {
    hanging = true;
    unanswered = 0;
    budget = Infinity;
    for (const cut of cutters) {
      cut();
    }
  };
  const server = createServer((client) => {
    open.add(client);
    client.on('close', () => {
      open.delete(client);
      held.delete(client);
    });
    client.on('error', () => undefined);
    if (hanging) {
      unanswered += 1;
      hold(client, false);
      return;
    }
    const upstream = connect(Number(port), hostname);
    // Whether the client sent bytes the store has not answered yet (a request under way).
    let awaiting = false;
    upstream.on('data', () => (awaiting = false));
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        awaiting = true;
        if (chunk.length > budget) {
          hangNow();
          callback();
          return;
        }
        budget -= chunk.length;
        const line = /^([A-Z]+ \S+) HTTP\/1\.1\r\n/.exec(chunk.subarray(0, 2048).toString('latin1'));
        if (line) {
          forwarded.push(line[1]!);
        }
        callback(null, chunk);
      },
    });
    const cut = () => {
      cutters.delete(cut);
      client.unpipe(counted);
      upstream.unpipe(client);
      upstream.destroy();
      hold(client, awaiting);
    };
    cutters.add(cut);
    counted.on('error', () => undefined);
    upstream.on('error', () => {
      if (!held.has(client)) {
        client.destroy();
      }
    });
    client.on('close', () => {
      cutters.delete(cut);
      upstream.destroy();
    });
    upstream.on('close', () => {
      if (!held.has(client)) {
        client.destroy();
      }
    });
    client.pipe(counted).pipe(upstream).pipe(client);
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
    hangAfter(bytes) {
      budget = bytes;
    },
    release() {
      hanging = false;
    },
    unanswered: () => unanswered,
    held: () => [...held.values()].filter(Boolean).length,
    forwarded: () => [...forwarded],
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) {
          socket.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
