import http from 'node:http';
import type { Readable } from 'node:stream';

export interface Timing {
  status: number;
  /** Request start to the response's status line and headers. */
  headersMs: number;
  /** Request start to the first byte of the body (equals headersMs for an empty body). */
  firstByteMs: number;
  /** Request start to the last byte of the body. */
  totalMs: number;
  bytes: number;
  body: Buffer | undefined;
}

export interface RequestOptions {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  /** A buffer (sent with Content-Length) or a stream (sent with Content-Length if given in headers, else chunked). */
  body?: Buffer | Readable;
  /** Keep the response body (for JSON); otherwise it is counted and dropped. */
  keepBody?: boolean;
}

/**
 * One request at a time over one kept-alive connection (node:http, the client the benchmarks
 * report as "keep-alive client"); times are taken with the monotonic high-resolution clock.
 */
export class KeepAliveClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  private readonly host: string;
  private readonly port: number;

  constructor(
    baseUrl: string,
    private readonly defaultHeaders: Record<string, string> = {},
  ) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
  }

  withHeaders(headers: Record<string, string>): KeepAliveClient {
    return new KeepAliveClient(`http://${this.host}:${this.port}`, { ...this.defaultHeaders, ...headers });
  }

  request(options: RequestOptions): Promise<Timing> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { ...this.defaultHeaders, ...options.headers };
      if (Buffer.isBuffer(options.body)) {
        headers['content-length'] = String(options.body.length);
      }
      const started = process.hrtime.bigint();
      const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
      const req = http.request(
        { host: this.host, port: this.port, method: options.method ?? 'GET', path: options.path, headers, agent: this.agent },
        (res) => {
          const headersMs = elapsed();
          let firstByteMs = Number.NaN;
          let bytes = 0;
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => {
            if (bytes === 0) {
              firstByteMs = elapsed();
            }
            bytes += chunk.length;
            if (options.keepBody) {
              chunks.push(chunk);
            }
          });
          res.on('end', () => {
            const totalMs = elapsed();
            resolve({
              status: res.statusCode ?? 0,
              headersMs,
              firstByteMs: Number.isNaN(firstByteMs) ? headersMs : firstByteMs,
              totalMs,
              bytes,
              body: options.keepBody ? Buffer.concat(chunks) : undefined,
            });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (options.body === undefined) {
        req.end();
      } else if (Buffer.isBuffer(options.body)) {
        req.end(options.body);
      } else {
        options.body.on('error', (error) => req.destroy(error));
        options.body.pipe(req);
      }
    });
  }

  /** GET returning parsed JSON; throws on a non-2xx answer. */
  async json<T>(path: string, method = 'GET', body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const timing = await this.request({
      method,
      path,
      keepBody: true,
      body: payload,
      headers: payload ? { 'content-type': 'application/json' } : {},
    });
    const text = timing.body?.toString('utf8') ?? '';
    if (timing.status < 200 || timing.status >= 300) {
      throw new Error(`${method} ${path} answered ${timing.status}: ${text.slice(0, 300)}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Times `runs` sequential requests (after `warmup` untimed ones); throws on an unexpected status. */
  async timeMany(runs: number, warmup: number, make: (i: number) => RequestOptions, expectStatus = 200): Promise<Timing[]> {
    const timings: Timing[] = [];
    for (let i = 0; i < warmup + runs; i++) {
      const options = make(i);
      const timing = await this.request(options);
      if (timing.status !== expectStatus) {
        throw new Error(`${options.method ?? 'GET'} ${options.path} answered ${timing.status}, expected ${expectStatus}`);
      }
      if (i >= warmup) {
        timings.push(timing);
      }
    }
    return timings;
  }

  close(): void {
    this.agent.destroy();
  }
}
