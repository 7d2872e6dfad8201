import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKiteStore, startProcess, tempDir, waitFor, type StoreProc } from '../support/processes.js';

const run = promisify(execFile);

// The real etcdctl 3.4 (Debian etcd-client) against kite-store: acceptance point 1 of the store issue.
describe('etcdctl against kite-store', () => {
  let store: StoreProc;
  let removeDir: () => Promise<void>;

  beforeAll(async () => {
    const t = await tempDir('etcdctl');
    removeDir = t.remove;
    store = await startKiteStore(t.dir);
  });

  afterAll(async () => {
    await store?.stop();
    await removeDir?.();
  });

  const env = (): NodeJS.ProcessEnv => ({ ...process.env, ETCDCTL_API: '3', ETCDCTL_ENDPOINTS: store.endpoint });

  async function ctl(args: string[], input?: string): Promise<string> {
    if (input === undefined) return (await run('etcdctl', args, { env: env() })).stdout;
    return await new Promise((resolve, reject) => {
      const child = execFile('etcdctl', args, { env: env() }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
      child.stdin?.end(input);
    });
  }

  async function ctlFails(args: string[]): Promise<string> {
    try {
      await run('etcdctl', args, { env: env() });
    } catch (err) {
      return (err as { stderr: string }).stderr;
    }
    throw new Error(`etcdctl ${args.join(' ')} succeeded`);
  }

  /** txn -i prints its prompts on stdout too. */
  const withoutPrompts = (out: string): string => out.replace(/^(compares|success requests|failure requests).*:\n/gm, '');

  const json = async (args: string[]): Promise<any> => JSON.parse(await ctl([...args, '-w', 'json']));

  it('put and get a key, with revisions in the json header', async () => {
    expect(await ctl(['put', '/a/one', '1'])).toBe('OK\n');
    expect(await ctl(['get', '/a/one'])).toBe('/a/one\n1\n');
    const res = await json(['get', '/a/one']);
    expect(res.count).toBe(1);
    expect(res.kvs[0].version).toBe(1);
    expect(Buffer.from(res.kvs[0].value, 'base64').toString()).toBe('1');
    expect(res.header.revision).toBe(res.kvs[0].mod_revision);
  });

  it('get --prefix, --keys-only, --limit and --rev', async () => {
    const first = await json(['put', '/p/a', 'A']);
    await ctl(['put', '/p/b', 'B']);
    await ctl(['put', '/p/c', 'C']);
    await ctl(['put', '/p/a', 'A2']);
    expect(await ctl(['get', '/p/', '--prefix'])).toBe('/p/a\nA2\n/p/b\nB\n/p/c\nC\n');
    expect(await ctl(['get', '/p/', '--prefix', '--keys-only'])).toBe('/p/a\n\n/p/b\n\n/p/c\n\n');
    const limited = await json(['get', '/p/', '--prefix', '--limit', '2']);
    expect(limited.kvs).toHaveLength(2);
    expect(limited.more).toBe(true);
    expect(limited.count).toBe(3);
    expect(await ctl(['get', '/p/a', `--rev=${first.header.revision}`])).toBe('/p/a\nA\n');
  });

  it('del --prefix --prev-kv', async () => {
    await ctl(['put', '/d/x', 'X']);
    await ctl(['put', '/d/y', 'Y']);
    expect(await ctl(['del', '/d/', '--prefix', '--prev-kv'])).toBe('2\n/d/x\nX\n/d/y\nY\n');
    expect(await ctl(['get', '/d/', '--prefix'])).toBe('');
    expect(await ctl(['del', '/d/nothing'])).toBe('0\n');
  });

  it('watch --prefix --prev-kv sees live puts and deletes', async () => {
    const w = startProcess('etcdctl', ['watch', '/w/', '--prefix', '--prev-kv'], env());
    try {
      // etcdctl prints nothing when the watch is created; write until an event shows up.
      await waitFor('the watch to see a put', async () => {
        await ctl(['put', '/w/k', 'v1']);
        return w.output().includes('PUT\n/w/k\nv1') ? true : undefined;
      });
      await ctl(['put', '/w/k', 'v2']);
      await ctl(['del', '/w/k']);
      await waitFor('the delete event', () => (w.output().includes('DELETE\n/w/k\nv2') ? true : undefined));
      // with --prev-kv, the second put shows the previous value before the new one
      expect(w.output()).toContain('PUT\n/w/k\nv1\n/w/k\nv2\n');
    } finally {
      await w.stop('SIGINT');
    }
  });

  it('watch --rev replays history', async () => {
    const start = (await json(['put', '/h/1', 'one'])).header.revision;
    await ctl(['put', '/h/2', 'two']);
    await ctl(['del', '/h/1']);
    const w = startProcess('etcdctl', ['watch', '/h/', '--prefix', `--rev=${start}`], env());
    try {
      await waitFor('replayed events', () => (w.output().includes('DELETE\n/h/1') ? true : undefined));
      expect(w.output()).toBe('PUT\n/h/1\none\nPUT\n/h/2\ntwo\nDELETE\n/h/1\n\n');
    } finally {
      await w.stop('SIGINT');
    }
  });

  it('lease grant, put --lease, timetolive --keys, keep-alive, list, revoke', async () => {
    const granted = /lease ([0-9a-f]+) granted with TTL\((\d+)s\)/.exec(await ctl(['lease', 'grant', '60']));
    expect(granted?.[2]).toBe('60');
    const id = granted?.[1] as string;
    expect(await ctl(['put', '/l/k', 'v', `--lease=${id}`])).toBe('OK\n');
    const ttl = await ctl(['lease', 'timetolive', id, '--keys']);
    expect(ttl).toMatch(new RegExp(`lease ${id} granted with TTL\\(60s\\), remaining\\((59|60)s\\), attached keys\\(\\[/l/k\\]\\)`));
    expect(await ctl(['lease', 'keep-alive', '--once', id])).toBe(`lease ${id} keepalived with TTL(60)\n`);
    expect(await ctl(['lease', 'list'])).toContain(id);
    expect(await ctl(['lease', 'revoke', id])).toBe(`lease ${id} revoked\n`);
    expect(await ctl(['get', '/l/k'])).toBe('');
    expect(await ctl(['lease', 'timetolive', id])).toBe(`lease ${id} already expired\n`);
    expect(await ctlFails(['lease', 'revoke', id])).toContain('etcdserver: requested lease not found');
    expect(await ctlFails(['put', '/l/k', 'v', `--lease=${id}`])).toContain('etcdserver: requested lease not found');
  });

  it('txn -i reads compares and both branches from input', async () => {
    await ctl(['put', '/t/key1', 'original']);
    const input = ['mod("/t/key1") > "0"', '', 'put /t/key1 "overwrote"', 'get /t/key1', '', 'put /t/key1 "created"', '', ''].join('\n');
    expect(withoutPrompts(await ctl(['txn', '-i'], input))).toBe('SUCCESS\n\nOK\n\n/t/key1\noverwrote\n');
    const failing = ['value("/t/key1") = "nope"', '', 'put /t/key2 "yes"', '', 'put /t/key2 "no"', '', ''].join('\n');
    expect(withoutPrompts(await ctl(['txn', '-i'], failing))).toBe('FAILURE\n\nOK\n');
    expect(await ctl(['get', '/t/key2'])).toBe('/t/key2\nno\n');
  });

  it('compaction makes old revisions unreadable', async () => {
    const old = (await json(['put', '/c/k', 'old'])).header.revision;
    const now = (await json(['put', '/c/k', 'new'])).header.revision;
    expect(await ctl(['compaction', String(now)])).toBe(`compacted revision ${now}\n`);
    expect(await ctlFails(['get', '/c/k', `--rev=${old}`])).toContain('etcdserver: mvcc: required revision has been compacted');
    expect(await ctl(['get', '/c/k', `--rev=${now}`])).toBe('/c/k\nnew\n');
    expect(await ctlFails(['compaction', String(now)])).toContain('etcdserver: mvcc: required revision has been compacted');
  });

  it('endpoint status, endpoint health and member list', async () => {
    const [status] = await json(['endpoint', 'status']);
    expect(status.Endpoint).toBe(store.endpoint);
    expect(status.Status.leader).toBe(status.Status.header.member_id);
    expect(status.Status.dbSize).toBeGreaterThan(0);
    // etcdctl 3.4 prints the health line on stderr
    expect((await run('etcdctl', ['endpoint', 'health'], { env: env() })).stderr).toMatch(new RegExp(`^${store.endpoint} is healthy: successfully committed proposal`));
    const members = await json(['member', 'list']);
    expect(members.members).toHaveLength(1);
    expect(members.members[0].clientURLs).toEqual([`http://${store.endpoint}`]);
    // `endpoint health --cluster` dials the advertised http:// client URL
    expect((await run('etcdctl', ['endpoint', 'health', '--cluster'], { env: env() })).stderr).toContain(`http://${store.endpoint} is healthy`);
  });
});
