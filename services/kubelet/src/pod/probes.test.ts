import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Runtime } from '@kite/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePort, runHttpGet, runTcp, type ActionResult } from './actions.js';
import { runProbes, type ProbeEvents } from './probes.js';
import type { Container, Probe } from './types.js';

/** Records what the probe loop reports, driving results from a script per probe kind. */
function harness(container: Container, results: Record<string, boolean[]>) {
  const log: string[] = [];
  const ctl = new AbortController();
  const events: ProbeEvents = {
    started: () => log.push('started'),
    ready: (ok) => log.push(`ready=${ok}`),
    unhealthy: (kind) => log.push(`unhealthy:${kind}`),
    kill: (kind) => {
      log.push(`kill:${kind}`);
      ctl.abort();
    },
  };
  const kindOf = (p: Probe): string => (p === container.startupProbe ? 'startup' : p === container.livenessProbe ? 'liveness' : 'readiness');
  const run = async (p: object): Promise<ActionResult> => {
    const queue = results[kindOf(p as Probe)] as boolean[];
    return { ok: queue.length > 0 ? (queue.shift() as boolean) : true, output: '' };
  };
  runProbes(container, { runtime: {} as Runtime, containerID: 'x', podIP: '127.0.0.1', container }, events, ctl.signal, run);
  return { log, stop: () => ctl.abort() };
}

const until = async (f: () => boolean): Promise<void> => {
  const end = Date.now() + 3000;
  while (!f()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
};

// Probe periods are whole seconds in the API; these tests use a tiny period through a fractional value.
const fast = (p: Partial<Probe> = {}): Probe => ({ exec: { command: ['true'] }, periodSeconds: 0.005, ...p });

describe('runProbes', () => {
  it('without probes: started and ready at once', () => {
    const h = harness({ name: 'c', image: 'x' }, {});
    expect(h.log).toEqual(['started', 'ready=true']);
  });

  it('readiness flips with its thresholds', async () => {
    const h = harness({ name: 'c', image: 'x', readinessProbe: fast({ failureThreshold: 2 }) }, { readiness: [true, false, false, true] });
    await until(() => h.log.filter((x) => x.startsWith('ready')).length >= 3);
    h.stop();
    expect(h.log.filter((x) => x !== 'unhealthy:readiness').slice(0, 4)).toEqual(['started', 'ready=true', 'ready=false', 'ready=true']);
  });

  it('liveness kills after failureThreshold failures, reporting each as Unhealthy', async () => {
    const h = harness({ name: 'c', image: 'x', livenessProbe: fast({ failureThreshold: 3 }) }, { liveness: [false, false, true, false, false, false] });
    await until(() => h.log.includes('kill:liveness'));
    expect(h.log.filter((x) => x === 'unhealthy:liveness')).toHaveLength(5);
  });

  it('startup holds back liveness and readiness until it passes', async () => {
    const h = harness({ name: 'c', image: 'x', startupProbe: fast({ failureThreshold: 5 }), readinessProbe: fast() }, { startup: [false, false, true], readiness: [true] });
    await until(() => h.log.includes('ready=true'));
    h.stop();
    expect(h.log.slice(0, 4)).toEqual(['unhealthy:startup', 'unhealthy:startup', 'started', 'ready=true']);
  });

  it('a startup probe that never passes kills the container', async () => {
    const h = harness({ name: 'c', image: 'x', startupProbe: fast({ failureThreshold: 2 }), livenessProbe: fast() }, { startup: [false, false] });
    await until(() => h.log.includes('kill:startup'));
    expect(h.log).not.toContain('started');
  });
});

describe('probe actions', () => {
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const code = Number(req.url?.slice(1)) || 200;
      res.writeHead(code, { location: '/' });
      res.end(req.headers['x-probe'] ?? 'ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const c: Container = { name: 'web', image: 'x', ports: [{ name: 'http', containerPort: 0 }] };

  it.each([
    ['/200', true],
    ['/204', true],
    ['/302', true],
    ['/399', true],
    ['/400', false],
    ['/500', false],
  ])('httpGet %s → %s', async (p, ok) => {
    const r = await runHttpGet({ path: p, port }, '127.0.0.1', c, 1000);
    expect(r.ok).toBe(ok);
    if (!ok) expect(r.output).toBe(`HTTP probe failed with statuscode: ${p.slice(1)}`);
  });

  it('httpGet sends headers and resolves named ports', async () => {
    const named = { ...c, ports: [{ name: 'http', containerPort: port }] };
    expect(await runHttpGet({ path: '/', port: 'http', httpHeaders: [{ name: 'X-Probe', value: 'hi' }] }, '127.0.0.1', named, 1000)).toEqual({ ok: true, output: 'hi' });
    expect(() => resolvePort('metrics', named)).toThrow('couldn\'t find port "metrics" in container web');
  });

  it('tcpSocket passes when something listens and fails when nothing does', async () => {
    expect((await runTcp({ port }, '127.0.0.1', c, 1000)).ok).toBe(true);
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const free = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const r = await runTcp({ port: free }, '127.0.0.1', c, 1000);
    expect(r.ok).toBe(false);
    expect(r.output).toContain(`dial tcp 127.0.0.1:${free}`);
  });
});
