import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { App } from '../../src/server/app.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';

export interface TestUser {
  id: string;
  username: string;
  email: string;
}

/** Drives the app through app.inject like a browser or script would: keeps the session cookie. */
export class ApiClient {
  cookie: string | undefined;
  bearer: string | undefined;
  user!: TestUser;
  password = '';

  constructor(readonly app: App) {}

  /** A client that authenticates with this bearer token only. */
  withToken(token: string): ApiClient {
    const client = new ApiClient(this.app);
    client.bearer = token;
    client.user = this.user;
    return client;
  }

  async request(method: Method, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const allHeaders: Record<string, string> = { ...headers };
    if (this.cookie && !('cookie' in allHeaders)) {
      allHeaders.cookie = this.cookie;
    }
    if (this.bearer && !('authorization' in allHeaders)) {
      allHeaders.authorization = `Bearer ${this.bearer}`;
    }
    const options: InjectOptions = { method, url, headers: allHeaders };
    if (body !== undefined) {
      if (typeof body === 'string' || Buffer.isBuffer(body)) {
        options.payload = body;
      } else {
        options.payload = JSON.stringify(body);
        allHeaders['content-type'] ??= 'application/json';
      }
    }
    const response = await this.app.inject(options);
    const setCookie = response.cookies.find((c) => c.name === 'ff_session');
    if (setCookie) {
      this.cookie = setCookie.value ? `ff_session=${setCookie.value}` : undefined;
    }
    return response;
  }

  get(url: string, headers?: Record<string, string>) {
    return this.request('GET', url, undefined, headers);
  }
  post(url: string, body?: unknown, headers?: Record<string, string>) {
    return this.request('POST', url, body, headers);
  }
  patch(url: string, body?: unknown, headers?: Record<string, string>) {
    return this.request('PATCH', url, body, headers);
  }
  put(url: string, body?: unknown, headers?: Record<string, string>) {
    return this.request('PUT', url, body, headers);
  }
  delete(url: string, headers?: Record<string, string>) {
    return this.request('DELETE', url, undefined, headers);
  }

  /** Uploads one file by PUT /api/files/content; returns the raw response. */
  putFile(name: string, content: Buffer | string, options: { parentId?: string | null; conflict?: string; modifiedAt?: string } = {}) {
    const params = new URLSearchParams({ name });
    if (options.parentId) {
      params.set('parentId', options.parentId);
    }
    if (options.conflict) {
      params.set('conflict', options.conflict);
    }
    if (options.modifiedAt) {
      params.set('modifiedAt', options.modifiedAt);
    }
    return this.request('PUT', `/api/files/content?${params.toString()}`, Buffer.isBuffer(content) ? content : Buffer.from(content), {
      'content-type': 'application/octet-stream',
    });
  }

  /** Uploads a file and returns its node (throws unless 201). */
  async upload(name: string, content: Buffer | string, parentId: string | null = null): Promise<{ id: string; name: string; size: number; sha256: string; etag: string; mimeType: string }> {
    const res = await this.putFile(name, content, { parentId });
    if (res.statusCode !== 201) {
      throw new Error(`upload ${name} failed: ${res.statusCode} ${res.body}`);
    }
    return res.json();
  }

  /** Creates a folder and returns its node (throws unless 201). */
  async mkdir(name: string, parentId: string | null = null): Promise<{ id: string; name: string; etag: string; parentId: string | null }> {
    const res = await this.post('/api/folders', { name, parentId });
    if (res.statusCode !== 201) {
      throw new Error(`mkdir ${name} failed: ${res.statusCode} ${res.body}`);
    }
    return res.json();
  }
}
