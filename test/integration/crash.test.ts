import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalBlobStore } from '../../src/server/blobs/local-blob-store.js';
import { openDatabase } from '../../src/server/db/client.js';
import { checkInvariants } from '../helpers/invariants.js';
import { HttpClient, serverDataSet, type ServerProcess } from '../helpers/server-process.js';

/** Kill -9 rounds: a few in CI, many with CRASH_ROUNDS (the --long mode). */
const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 4);

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('kill -9 at random points of uploads, moves, trash and purges', () => {
  const data = serverDataSet('fileflow-crash-');
  let server: ServerProcess | undefined;
  const start = () => data.start({ FILEFLOW_DEFAULT_QUOTA: '1GiB' });

  it(`${ROUNDS} crash rounds lose nothing committed and leave nothing half-visible`, async () => {
    const committed = new Map<string, string>(); // node id -> sha256 of a file whose upload answered 201
    const purged = new Set<string>();
    const email = `crash${Date.now()}@example.test`;
    const client = new HttpClient('');

    for (let round = 0; round < ROUNDS; round++) {
      server = await start();
      client.base = server.url;
      if (round === 0) {
        expect((await client.json('POST', '/api/auth/register', { username: `crash${Date.now()}`, email, password: 'correct horse battery' })).status).toBe(201);
      } else {
        // Every file committed before any crash is still there, byte-exact (live or in the trash).
        const me = await client.send('GET', '/api/me');
        expect(me.status).toBe(200);
        for (const [id, hash] of committed) {
          if (purged.has(id)) {
            continue;
          }
          const res = await client.send('GET', `/api/nodes/${id}`);
          if (res.status === 200) {
            const content = await client.send('GET', `/api/files/${id}/content`);
            expect(sha256(Buffer.from(await content.arrayBuffer()))).toBe(hash);
          } else {
            // In the trash (or purged by a purge that the crash cut off): the invariant check covers its content.
            expect(res.status).toBe(404);
          }
        }
        // The start-up sweep removed the killed process's staging files.
        const staging = await readdir(path.join(data.dataDir, 'blobs', '.staging'));
        expect(staging.filter((name) => !name.startsWith(`${server?.child.pid}-`))).toEqual([]);
      }

      // A mixed workload, cut short by kill -9 at a random moment.
      const folder = (await (await client.json('POST', '/api/folders', { name: `round ${round}` })).json()) as { id: string };
      const work: Array<Promise<unknown>> = [];
      for (let i = 0; i < 12; i++) {
        const content = randomBytes(i % 3 === 0 ? 3 * 1024 * 1024 : 2048 + i);
        work.push(
          client
            .send('PUT', `/api/files/content?name=f${round}-${i}.bin&parentId=${folder.id}`, content, { 'content-type': 'application/octet-stream' })
            .then(async (res) => {
              if (res.status === 201) {
                const node = (await res.json()) as { id: string };
                committed.set(node.id, sha256(content));
              }
            })
            .catch(() => undefined),
        );
      }
      const earlier = [...committed.keys()].filter((id) => !purged.has(id));
      for (const id of earlier.slice(0, 4)) {
        work.push(client.json('PATCH', `/api/nodes/${id}`, { parentId: folder.id }).catch(() => undefined));
      }
      const victim = earlier[4];
      if (victim) {
        work.push(
          client
            .send('DELETE', `/api/nodes/${victim}`)
            .then(() => client.send('DELETE', `/api/trash/${victim}`))
            .then((res) => {
              if (res.status === 204) {
                purged.add(victim);
              }
            })
            .catch(() => undefined),
        );
      }
      await sleep(50 + Math.floor(Math.random() * 400));
      await server.stop('SIGKILL');
      await Promise.all(work);

      // With the process dead, the database and the store must satisfy every invariant.
      const database = await openDatabase(data.databaseUrl ? { databaseUrl: data.databaseUrl } : { dataDir: data.dataDir });
      const store = new LocalBlobStore(path.join(data.dataDir, 'blobs'));
      try {
        expect(await checkInvariants(database.db, store)).toEqual([]);
      } finally {
        await database.close();
      }
    }
    server = await start();
    await server.stop('SIGTERM');
  }, 600_000);
});
