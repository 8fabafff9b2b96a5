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
  it('writes no line per request at info', async () => {
    const t = await appLoggingAt('info');
    const alice = await t.newUser();
    const before = t.logs.length;
    expect((await alice.get('/api/folders/root/children')).statusCode).toBe(200);
    expect((await alice.get('/api/nodes/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect(t.logs.slice(before)).toEqual([]);
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
});
