import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';

// Requests are logged at debug, not at info (src/server/plugins/request-log.ts); failures are
// logged whatever the level.

const apps: TestApp[] = [];
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
});

async function appLoggingAt(level: true | 'info'): Promise<TestApp> {
  const app = await createTestApp({ captureLogs: level });
  apps.push(app);
  return app;
}

describe('request logging', () => {
  it('writes no line for a request answered well at info, and one naming the request for an answer of 400 and above', async () => {
    const t = await appLoggingAt('info');
    const alice = await t.newUser();
    const before = t.logs.length;
    expect((await alice.get('/api/folders/root/children')).statusCode).toBe(200);
    expect(t.logs.slice(before)).toEqual([]);
    const missing = '/api/nodes/00000000-0000-4000-8000-000000000000';
    expect((await alice.get(missing)).statusCode).toBe(404);
    expect((await t.anonymous.get('/api/me')).statusCode).toBe(401);
    expect(t.logs.slice(before)).toEqual([
      expect.objectContaining({ level: 30, msg: 'request completed', req: expect.objectContaining({ method: 'GET', url: missing }), res: { statusCode: 404 } }),
      expect.objectContaining({ level: 30, msg: 'request completed', req: expect.objectContaining({ method: 'GET', url: '/api/me' }), res: { statusCode: 401 } }),
    ]);
  });

  it('writes a line when a request arrives and one when it is answered at debug', async () => {
    const t = await appLoggingAt(true);
    const alice = await t.newUser();
    const before = t.logs.length;
    expect((await alice.get('/api/folders/root/children')).statusCode).toBe(200);
    const lines = t.logs.slice(before).filter((record) => record.msg === 'incoming request' || record.msg === 'request completed');
    expect(lines).toEqual([
      expect.objectContaining({ level: 20, msg: 'incoming request', req: expect.objectContaining({ method: 'GET', url: '/api/folders/root/children' }) }),
      expect.objectContaining({ level: 20, msg: 'request completed', res: { statusCode: 200 }, reqId: lines[0]?.reqId }),
    ]);
  });

  it('never writes a share link\'s token whole, at info or at debug', async () => {
    for (const level of ['info', true] as const) {
      const t = await appLoggingAt(level);
      const alice = await t.newUser();
      const file = await alice.upload('shared.txt', 'shared');
      const share = await alice.post('/api/shares', { nodeId: file.id, password: 'correct horse' });
      const { token } = share.json<{ token: string }>();
      const before = t.logs.length;
      expect((await t.anonymous.get(`/api/public/shares/${token}/content`)).statusCode).toBe(401);
      expect((await t.anonymous.get(`/api/public/shares/${token}x`)).statusCode).toBe(404);
      // The web page of the link (a 404 where the tests serve no web UI, logged at info then).
      await t.anonymous.get(`/s/${token}?from=mail`);
      await t.anonymous.get(`//s/${token}`);
      await t.anonymous.get(`//api//public/shares/${token}/content`);
      // Percent-escapes reach the same routes.
      await t.anonymous.get(`/%73/${token}`);
      await t.anonymous.get(`/api/public/%73hares/${token}/content`);
      await t.anonymous.get(`/api/public/shares/%${token.charCodeAt(0).toString(16)}${token.slice(1)}/content`);
      const lines = t.logs.slice(before);
      const urls = lines.flatMap((record) => {
        const url = (record.req as { url?: string } | undefined)?.url;
        return url === undefined ? [] : [url];
      });
      expect(urls).toEqual(
        expect.arrayContaining([`/api/public/shares/${token.slice(0, 4)}…/content`, `/api/public/shares/${token.slice(0, 4)}…`]),
      );
      expect(JSON.stringify(lines)).not.toContain(token.slice(0, 12));
      expect(JSON.stringify(lines)).not.toContain(token.slice(4, 16));
    }
  });
});

