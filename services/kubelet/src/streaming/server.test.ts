import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { createLogger } from '@kite/common';
import { loadKubeletServices, type KubeletExecFrame, type KubeletLogsRequest } from '@kite/proto';
import type { ExecSession, Runtime, Sandbox } from '@kite/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LookupError, type LogLocator, type PodLookup } from '../streaming-contract.js';
import { startStreamingServer, type StreamingServer } from './server.js';

const sandbox: Sandbox = { uid: 'u1', ip: '127.0.0.1', dir: '/nonexistent', isolated: false };

/** Exec sessions scripted in the test: echo stdin back upper-cased, then exit with the code argv names. */
function fakeRuntime(): Runtime {
  return {
    exec: (o) => {
      const stdin = new PassThrough();
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      const exit = new Promise<number>((resolve) => {
        let got = '';
        stdin.on('data', (d: Buffer) => (got += d.toString()));
        stdin.on('end', () => {
          stdout.end(got.toUpperCase());
          stderr.end(`ran ${o.argv.join(' ')} in ${o.container}`);
          resolve(Number(o.argv[1] ?? 0));
        });
      });
      const s: ExecSession = { stdin, stdout, stderr, exit, resize: () => undefined, kill: () => undefined };
      return Promise.resolve(s);
    },
  } as Partial<Runtime> as Runtime;
}

const pods: PodLookup = {
  find: (ref, requireRunning) => {
    if (ref.name !== 'p') throw new LookupError('NotFound', `pods "${ref.name}" not found`);
    if (ref.container === 'stopped' && requireRunning) throw new LookupError('NotRunning', 'container stopped is not running');
    return { sandbox, podUID: 'u1', container: ref.container ?? 'c', containerID: 'u1/c/0' };
  },
};

function collect<T>(call: grpc.ClientReadableStream<T> | grpc.ClientDuplexStream<unknown, T>): Promise<{ items: T[]; error?: grpc.ServiceError }> {
  return new Promise((resolve) => {
    const items: T[] = [];
    call.on('data', (d: T) => items.push(d));
    call.on('error', (error: grpc.ServiceError) => resolve({ items, error }));
    call.on('end', () => resolve({ items }));
  });
}

describe('kubelet streaming server', () => {
  let dir: string;
  let server: StreamingServer;
  let client: grpc.Client & {
    Logs(r: KubeletLogsRequest): grpc.ClientReadableStream<{ data: Buffer }>;
    Exec(): grpc.ClientDuplexStream<KubeletExecFrame, KubeletExecFrame>;
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'kite-streaming-unit-'));
    const ts = '2026-01-01T00:00:00.000000000Z';
    await writeFile(path.join(dir, '0.log'), `${ts} stdout F one\n${ts} stderr F two\n${ts} stdout F three\n`);
    const logs: LogLocator = {
      locate: (ref) => {
        if (ref.name !== 'p') throw new LookupError('NotFound', `pods "${ref.name}" not found`);
        if (ref.previous) throw new LookupError('NotRunning', `previous terminated container "c" in pod "p" not found`);
        return { path: path.join(dir, '0.log'), container: 'c', running: false };
      },
    };
    server = await startStreamingServer({ listen: { host: '127.0.0.1', port: 0 }, runtime: fakeRuntime(), pods, logs, log: createLogger({ component: 'test', level: 'silent' }) });
    const Ctor = loadKubeletServices().KubeletStreaming;
    client = new Ctor(server.address, grpc.credentials.createInsecure()) as unknown as typeof client;
  });

  afterAll(async () => {
    client?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const target = { namespace: 'ns', pod: 'p', container: 'c' };

  it.each([
    ['all of it', {}, 'one\ntwo\nthree\n'],
    ['the tail', { tail_lines: 1 }, 'three\n'],
    ['up to a byte limit', { limit_bytes: 5 }, 'one\nt'],
  ])('streams the log: %s', async (_what, opts, want) => {
    const { items, error } = await collect(client.Logs({ target, ...opts }));
    expect(error).toBeUndefined();
    expect(Buffer.concat(items.map((i) => i.data)).toString()).toBe(want);
  });

  it.each([
    ['an unknown pod', { ...target, pod: 'q' }, false, grpc.status.NOT_FOUND, 'pods "q" not found'],
    ['no previous instance', target, true, grpc.status.FAILED_PRECONDITION, 'previous terminated container "c" in pod "p" not found'],
  ])('refuses %s with a status the apiserver maps', async (_what, t, previous, code, details) => {
    const call = client.Logs({ target: t, previous });
    const headers: grpc.Metadata[] = [];
    call.on('metadata', (md: grpc.Metadata) => headers.push(md));
    const { error } = await collect(call);
    expect(error).toMatchObject({ code, details });
    // The apiserver answers 200 only on this header, which a refusal never carries.
    expect(headers.flatMap((md) => md.get('kite-logs-accepted'))).toEqual([]);
  });

  it('runs an exec session: stdin in, both outputs and the exit code out', async () => {
    const call = client.Exec();
    const done = collect(call);
    call.write({ start: { target, command: ['exit', '3'], stdin: true, stdout: true, stderr: true } });
    call.write({ stdin: Buffer.from('hi ') });
    call.write({ stdin: Buffer.from('there') });
    call.write({ stdin_eof: true });
    const { items, error } = await done;
    expect(error).toBeUndefined();
    expect(items[0]).toMatchObject({ frame: 'started' });
    const text = (k: 'stdout' | 'stderr'): string => Buffer.concat(items.filter((f) => f.frame === k).map((f) => f[k] as Buffer)).toString();
    expect(text('stdout')).toBe('HI THERE');
    expect(text('stderr')).toBe('ran exit 3 in u1/c/0');
    expect(items.at(-1)).toMatchObject({ frame: 'exit_code', exit_code: 3 });
  });

  it.each([
    ['a stopped container', { ...target, container: 'stopped' }, ['true'], grpc.status.FAILED_PRECONDITION],
    ['an unknown pod', { ...target, pod: 'q' }, ['true'], grpc.status.NOT_FOUND],
    ['no command', target, [], grpc.status.INVALID_ARGUMENT],
  ])('refuses exec into %s', async (_what, t, command, code) => {
    const call = client.Exec();
    const done = collect(call);
    call.write({ start: { target: t, command } });
    expect((await done).error?.code).toBe(code);
  });
});
