import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, open, stat, writeFile } from 'node:fs/promises';
import { randomBytes, createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { KeepAliveClient, Timing } from './http.js';
import { freePort, removeDir, tempDir } from './server.js';

const run = promisify(execFile);

/** Whether a program is on the PATH (or at an absolute path). */
export async function have(program: string): Promise<boolean> {
  try {
    await run('sh', ['-c', `command -v ${program}`]);
    return true;
  } catch {
    return false;
  }
}

/** Writes every dirty page to disk, so that what a benchmark wrote is not written back while it measures. */
export async function syncToDisk(): Promise<void> {
  await run('sync', []);
}

export interface CurlResult {
  status: number;
  /** Seconds, as curl reports them. */
  startTransfer: number;
  total: number;
  downloaded: number;
  uploaded: number;
  /** Connections curl opened for this transfer (0 when it reused one). */
  connects: number;
}

/** curl's `-w` format for one transfer, read back by parseCurlLine. */
const CURL_WRITE_OUT = '%{http_code} %{time_starttransfer} %{time_total} %{size_download} %{size_upload} %{num_connects}\\n';

function parseCurlLine(line: string): CurlResult {
  const [status, startTransfer, total, downloaded, uploaded, connects] = line.trim().split(' ').map(Number);
  return {
    status: status ?? 0,
    startTransfer: startTransfer ?? 0,
    total: total ?? 0,
    downloaded: downloaded ?? 0,
    uploaded: uploaded ?? 0,
    connects: connects ?? 0,
  };
}

function headerArgs(headers: Record<string, string> = {}): string[] {
  return Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
}

/**
 * One transfer with curl (a fresh process and connection per request). `upload` PUTs a file
 * (without Expect: 100-continue); otherwise the body is downloaded to /dev/null.
 */
export async function curl(
  url: string,
  options: { upload?: string; headers?: Record<string, string>; method?: string } = {},
): Promise<CurlResult> {
  const argv = ['-s', '-S', '-o', '/dev/null', '-w', CURL_WRITE_OUT, '-H', 'Expect:', ...headerArgs(options.headers)];
  if (options.upload) {
    argv.push('-T', options.upload);
  }
  if (options.method) {
    argv.push('-X', options.method);
  }
  argv.push(url);
  const { stdout } = await run('curl', argv, { maxBuffer: 1024 * 1024 });
  return parseCurlLine(stdout);
}

/**
 * GETs the URLs in order with one curl process over one kept-alive connection (curl reuses it),
 * bodies to /dev/null; one result per URL. Large downloads are timed this way rather than with a
 * Node client in the benchmark's own process: that client's reading cost more than the server's
 * sending (10 MB in 15-20 ms, against 6-7 ms for curl or a plain Node client in a process of its own).
 */
export async function curlKeepAlive(urls: string[], options: { headers?: Record<string, string> } = {}): Promise<CurlResult[]> {
  const argv = ['-s', '-S', '-w', CURL_WRITE_OUT, ...headerArgs(options.headers), ...urls.flatMap((url) => ['-o', '/dev/null', url])];
  const { stdout } = await run('curl', argv, { maxBuffer: 1024 * 1024 });
  const results = stdout.trim().split('\n').map(parseCurlLine);
  if (results.length !== urls.length || results.slice(1).some((result) => result.connects !== 0)) {
    throw new Error(`curl did not fetch ${urls.length} URLs over one connection: ${stdout.slice(0, 300)}`);
  }
  return results;
}

/**
 * Times downloads of `paths` over one kept-alive connection (curlKeepAlive), after `warmup`
 * untimed ones of the first paths; throws unless each answers 200 with `bytes` bytes.
 */
export async function timeKeptAliveDownloads(
  baseUrl: string,
  paths: string[],
  options: { headers?: Record<string, string>; warmup: number; bytes: number },
): Promise<Array<{ headersMs: number; totalMs: number }>> {
  const urls = [...paths.slice(0, options.warmup), ...paths].map((p) => `${baseUrl}${p}`);
  const results = (await curlKeepAlive(urls, { headers: options.headers })).slice(options.warmup);
  const wrong = results.find((result) => result.status !== 200 || result.downloaded !== options.bytes);
  if (wrong) {
    throw new Error(`a download over a kept-alive connection answered ${wrong.status} with ${wrong.downloaded} bytes`);
  }
  return results.map((result) => ({ headersMs: result.startTransfer * 1000, totalMs: result.total * 1000 }));
}

/**
 * Times `runs` uploads of 10 MiB (PUT, raw body) after 3 untimed ones, each new content under a
 * new name (its first 16 bytes differ); returns the timings and the new files' ids.
 */
export async function timeTenMegabyteUploads(
  client: KeepAliveClient,
  runs: number,
  namePrefix: string,
): Promise<{ timings: Timing[]; ids: string[] }> {
  const body = randomBytes(10 * 1024 * 1024);
  const timings = await client.timeMany(
    runs,
    3,
    (i) => {
      randomBytes(16).copy(body, 0);
      return {
        method: 'PUT',
        path: `/api/files/content?name=${namePrefix}-${i}-${randomBytes(4).toString('hex')}.bin`,
        body,
        keepBody: true,
        headers: { 'content-type': 'application/octet-stream' },
      };
    },
    201,
  );
  return { timings, ids: timings.map((t) => (JSON.parse(t.body!.toString()) as { id: string }).id) };
}

/** A file of `size` random bytes under the benchmark cache (made once, reused). */
export async function randomFile(size: number): Promise<string> {
  const dir = path.join(tmpdir(), 'fileflow-bench-cache');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `random-${size}.bin`);
  try {
    if ((await stat(file)).size === size) {
      return file;
    }
  } catch {
    // not there yet
  }
  const handle = await open(`${file}.tmp`, 'w');
  try {
    const chunk = 16 * 1024 * 1024;
    for (let written = 0; written < size; written += chunk) {
      await handle.write(randomBytes(Math.min(chunk, size - written)));
    }
  } finally {
    await handle.close();
  }
  await run('mv', [`${file}.tmp`, file]);
  return file;
}

/** Node's own SHA-256 over a file, streamed in 1 MiB reads: the ceiling for a hashing upload path. Returns ms. */
export async function sha256File(file: string): Promise<number> {
  const started = process.hrtime.bigint();
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
  }
  hash.digest('hex');
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** Writes `bytes` with dd and fsync (conv=fsync) into `dir`; returns MB/s, as a yardstick for the disk. */
export async function ddWrite(dir: string, bytes: number): Promise<number> {
  const file = path.join(dir, 'dd.bin');
  const started = process.hrtime.bigint();
  await run('dd', ['if=/dev/zero', `of=${file}`, 'bs=1M', `count=${Math.round(bytes / 1024 / 1024)}`, 'conv=fsync'], {
    maxBuffer: 1024 * 1024,
  });
  const millis = Number(process.hrtime.bigint() - started) / 1e6;
  await run('rm', ['-f', file]);
  return bytes / 1e6 / (millis / 1000);
}

export interface Nginx {
  url: string;
  /** Where GET serves from (`/files/<name>`). */
  root: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * nginx on a loopback port, one worker, serving `<root>/files` by GET (sendfile) and accepting
 * PUT under /dav/ (http_dav_module). Null when nginx is not installed.
 */
export async function startNginx(): Promise<Nginx | null> {
  if (!(await have('nginx'))) {
    return null;
  }
  const dir = await tempDir('nginx');
  const port = await freePort();
  for (const sub of ['www/files', 'www/dav', 'tmp/body', 'tmp/proxy', 'tmp/fastcgi', 'tmp/uwsgi', 'tmp/scgi', 'logs']) {
    await mkdir(path.join(dir, sub), { recursive: true });
  }
  const user = process.getuid?.() === 0 ? 'user root root;' : '';
  await writeFile(
    path.join(dir, 'nginx.conf'),
    `${user}
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 65;
  client_max_body_size 0;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  server {
    listen 127.0.0.1:${port};
    root ${dir}/www;
    # The same files without sendfile: what a server that copies through user space can hope for.
    location /copy/ {
      alias ${dir}/www/files/;
      sendfile off;
      output_buffers 2 256k;
    }
    location /dav/ {
      dav_methods PUT DELETE;
      create_full_put_path on;
      dav_access user:rw;
    }
  }
}
`,
  );
  const child: ChildProcess = spawn('nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`nginx exited: ${errors}`);
    }
    try {
      await fetch(`${url}/`);
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`nginx did not answer: ${errors}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    url,
    root: path.join(dir, 'www'),
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGQUIT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      await removeDir(dir);
    },
  };
}

export interface FloorServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * The floor under any HTTP answer on this machine at this moment: a bare node:http server in a
 * process of its own that answers every request with `{}`. Timed with the same curl, between
 * FileFlow's requests, it shows how fast the machine is while they run: this VM's speed for
 * small requests moves by up to twice within minutes, and FileFlow's figures move with it.
 */
export function startFloorServer(): Promise<FloorServer> {
  return startBareServer(`require('node:http').createServer((q, s) => s.end('{}'))`);
}

/**
 * A baseline for uploads: a bare node:http server that does, the plain way, the least any durable
 * upload must (hash the body with SHA-256 while writing it to a new file in `dir`, fsync it at the
 * end, rename it to its hash, fsync the directory) and answers 201: no database, no checks. Timed
 * with the same curl and file right after each of FileFlow's uploads, it shows what the disk and
 * the machine allow at that moment. It is not a floor: FileFlow starts flushing while the bytes
 * arrive (durable-file-sink.ts), so it can come in under it.
 */
export function startUploadBaselineServer(dir: string): Promise<FloorServer> {
  return startBareServer(
    `const fs = require('node:fs/promises'), path = require('node:path'), { createHash } = require('node:crypto');
    const dir = ${JSON.stringify(dir)};
    let count = 0;
    require('node:http').createServer(async (q, s) => {
      const temp = path.join(dir, 'upload-' + count++);
      const file = await fs.open(temp, 'wx');
      const hash = createHash('sha256');
      for await (const chunk of q) {
        hash.update(chunk);
        await file.write(chunk);
      }
      await file.sync();
      await file.close();
      await fs.rename(temp, path.join(dir, hash.digest('hex')));
      const folder = await fs.open(dir, 'r');
      await folder.sync();
      await folder.close();
      s.writeHead(201).end('{}');
    })`,
  );
}

/** Runs `server` (an expression that makes a node:http server) in a process of its own on a free loopback port. */
async function startBareServer(server: string): Promise<FloorServer> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-e', `${server}.listen(${port}, '127.0.0.1', () => console.log('ready'))`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the floor server exited (${code})`)));
    child.stdout.once('data', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: async () => {
      child.removeAllListeners('exit');
      child.kill();
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
