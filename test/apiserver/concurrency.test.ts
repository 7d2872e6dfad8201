/**
 * Acceptance point 4 of the apiserver issue: many clients writing one object with
 * resourceVersion preconditions lose no update, and every refused write is a 409 with the
 * reason a client retries on. Plain `fetch`, so nothing between the test and the wire retries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, startKiteStore, tempDir, type Cleanup } from '../support/processes.js';

const CLIENTS = 20;
const INCREMENTS = 10;
const CREATE_RACES = 5;

interface ConfigMap {
  metadata: { name: string; resourceVersion: string; uid: string };
  data?: Record<string, string>;
}

interface Answer {
  status: number;
  body: { reason?: string; code?: number; metadata?: { resourceVersion?: string; uid?: string }; data?: Record<string, string> };
}

/** How a client writes `counter + 1` conditioned on the resourceVersion it read. */
type Write = (url: string, read: ConfigMap, next: string) => Promise<Answer>;

async function call(url: string, method: string, body?: unknown, contentType = 'application/json'): Promise<Answer> {
  const res = await fetch(url, {
    method,
    headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': contentType }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

const writes: [string, Write][] = [
  ['PUT with the resourceVersion read', (url, read, next) => call(url, 'PUT', { ...read, data: { ...read.data, counter: next } })],
  // What kubectl and controllers send to make a patch conditional.
  [
    'merge patch carrying metadata.resourceVersion',
    (url, read, next) => call(url, 'PATCH', { metadata: { resourceVersion: read.metadata.resourceVersion }, data: { counter: next } }, 'application/merge-patch+json'),
  ],
];

describe('kite-apiserver under concurrent writers', () => {
  const processes: Cleanup[] = [];
  let base: string;
  let n = 0;

  beforeAll(async () => {
    const tmp = await tempDir('apiserver-concurrency');
    processes.push(tmp.remove);
    const store = await startKiteStore(tmp.dir);
    processes.push(() => store.stop());
    const server = await startApiServer([store.endpoint]);
    processes.push(() => server.stop());
    base = `${server.url}/api/v1/namespaces/default/configmaps`;
  });

  afterAll(async () => {
    for (const c of processes.splice(0).reverse()) await c();
  });

  it.each(writes)('%s', async (_how, write) => {
    const name = `counter-${++n}`;
    const created = await call(base, 'POST', { metadata: { name }, data: { counter: '0', other: 'untouched' } });
    expect(created.status).toBe(201);
    const url = `${base}/${name}`;

    const written: number[] = [];
    const versions: string[] = [];
    const refusals: Answer[] = [];
    const client = async (): Promise<void> => {
      for (let done = 0; done < INCREMENTS; ) {
        const read = await call(url, 'GET');
        expect(read.status).toBe(200);
        const cm = read.body as unknown as ConfigMap;
        const next = Number(cm.data?.counter) + 1;
        const res = await write(url, cm, String(next));
        if (res.status === 200) {
          written.push(next);
          versions.push(res.body.metadata?.resourceVersion ?? '?');
          expect(res.body.data?.counter).toBe(String(next));
          done++;
        } else {
          refusals.push(res);
          // Anything but a conflict would not be retried by a real client either.
          if (res.status !== 409) throw new Error(`write refused with ${res.status}: ${JSON.stringify(res.body)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));

    const final = await call(url, 'GET');
    expect(final.body.data).toEqual({ counter: String(CLIENTS * INCREMENTS), other: 'untouched' });
    // Each accepted write moved the counter by exactly one from a value nobody else had written.
    expect([...written].sort((a, b) => a - b)).toEqual(Array.from({ length: CLIENTS * INCREMENTS }, (_, i) => i + 1));
    expect(new Set(versions).size).toBe(CLIENTS * INCREMENTS);
    expect(final.body.metadata?.resourceVersion).toBe(versions[versions.length - 1]);
    expect(final.body.metadata?.uid).toBe(created.body.metadata?.uid);
    // Twenty writers on one object must have collided; each collision is a Conflict.
    expect(refusals.length).toBeGreaterThan(0);
    const kinds = new Set(refusals.map((r) => `${r.status} ${r.body.reason} ${r.body.code}`));
    expect([...kinds]).toEqual(['409 Conflict 409']);
  });

  // Updates start from the watch cache's copy, which may trail the store by a moment: neither a
  // lost update nor a false conflict may come of it.
  it('loses no unconditional patch made from a cached copy', async () => {
    const name = `labels-${++n}`;
    expect((await call(base, 'POST', { metadata: { name } })).status).toBe(201);
    const url = `${base}/${name}`;
    const client = async (c: number): Promise<void> => {
      for (let i = 0; i < INCREMENTS; i++) {
        const res = await call(url, 'PATCH', { metadata: { labels: { [`c${c}-${i}`]: 'x' } } }, 'application/merge-patch+json');
        expect(res.status).toBe(200);
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
    const final = (await call(url, 'GET')).body as { metadata?: { labels?: Record<string, string> } };
    expect(Object.keys(final.metadata?.labels ?? {})).toHaveLength(CLIENTS * INCREMENTS);
  });

  it('accepts a write pinned to the resourceVersion the previous write returned, at once', async () => {
    const name = `chain-${++n}`;
    let rv = (await call(base, 'POST', { metadata: { name }, data: { step: '0' } })).body.metadata?.resourceVersion;
    for (let step = 1; step <= 30; step++) {
      const res = await call(`${base}/${name}`, 'PUT', { metadata: { name, resourceVersion: rv }, data: { step: String(step) } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data).toEqual({ step: String(step) });
      rv = res.body.metadata?.resourceVersion;
    }
    // And one pinned to a version that is no longer current is still refused.
    const stale = await call(`${base}/${name}`, 'PUT', { metadata: { name, resourceVersion: String(Number(rv) - 1) }, data: { step: 'stale' } });
    expect(stale.status).toBe(409);
  });

  it('lets exactly one of 20 simultaneous creates of one name win', async () => {
    for (let race = 0; race < CREATE_RACES; race++) {
      const name = `race-${race}`;
      const answers = await Promise.all(
        Array.from({ length: CLIENTS }, (_, i) => call(base, 'POST', { metadata: { name }, data: { creator: String(i) } })),
      );
      const won = answers.map((a, i) => ({ ...a, i })).filter((a) => a.status === 201);
      expect(won, `race ${race}`).toHaveLength(1);
      const lost = answers.filter((a) => a.status !== 201).map((a) => `${a.status} ${a.body.reason}`);
      expect(lost).toEqual(Array.from({ length: CLIENTS - 1 }, () => '409 AlreadyExists'));
      const stored = await call(`${base}/${name}`, 'GET');
      expect(stored.body.data).toEqual({ creator: String(won[0]?.i) });
      expect(stored.body.metadata?.uid).toBe(won[0]?.body.metadata?.uid);
    }
  });
});
