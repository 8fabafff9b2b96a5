import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { multipartBody } from '../helpers/multipart.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('files smoke', () => {
  it('uploads raw and multipart, downloads, ranges, zips', async () => {
    const alice = await t.newUser();
    const node = await alice.upload('hello.txt', 'hello world');
    expect(node.sha256).toBe(createHash('sha256').update('hello world').digest('hex'));
    const dl = await alice.get(`/api/files/${node.id}/content`);
    expect(dl.statusCode).toBe(200);
    expect(dl.body).toBe('hello world');
    console.log(dl.headers);
    const range = await alice.get(`/api/files/${node.id}/content`, { range: 'bytes=0-4' });
    expect(range.statusCode).toBe(206);
    expect(range.body).toBe('hello');
    const head = await alice.request('HEAD', `/api/files/${node.id}/content`);
    console.log(head.statusCode, head.headers, head.body.length);
    const { body, contentType } = multipartBody([{ field: 'conflict', value: 'rename' }, { file: 'one', filename: 'hello.txt' }, { file: 'two', filename: 'b.bin' }]);
    const mp = await alice.post('/api/files', body, { 'content-type': contentType });
    console.log(mp.statusCode, mp.body);
    const zip = await alice.get('/api/folders/root/zip');
    console.log(zip.statusCode, zip.headers, zip.rawPayload.length);
    const me = await alice.get('/api/me');
    console.log(me.body);
  });
});
