/**
 * The ways a probe or lifecycle hook reaches a container: a command run in it (exec), an HTTP
 * GET to the pod (200–399 passes), a TCP connect, a gRPC health check (probes only). Each reports success and a short
 * output for events, and gives up after `timeoutMs`.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Runtime } from '@kite/runtime';
import { runGrpc, type GRPCAction } from './grpc-probe.js';
import type { Container, ExecAction, HTTPGetAction, TCPSocketAction } from './types.js';

export interface ActionResult {
  ok: boolean;
  /** What went wrong (or the command's output), for Unhealthy and FailedPostStartHook events. */
  output: string;
}

const MAX_OUTPUT = 10 * 1024;

/** A named port (`http`) resolves through the container's ports. */
export function resolvePort(port: number | string, container: Container): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const p = (container.ports ?? []).find((x) => x.name === port);
  if (p === undefined) throw new Error(`couldn't find port ${JSON.stringify(port)} in container ${container.name}`);
  return p.containerPort;
}

export async function runExec(runtime: Runtime, containerID: string, action: ExecAction, timeoutMs: number): Promise<ActionResult> {
  const argv = action.command ?? [];
  if (argv.length === 0) return { ok: false, output: 'exec action has no command' };
  const session = await runtime.exec({ container: containerID, argv });
  let out = '';
  const collect = (d: Buffer | string): void => {
    if (out.length < MAX_OUTPUT) out += d.toString();
  };
  session.stdout.on('data', collect);
  session.stderr.on('data', collect);
  session.stdin.end();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const code = await Promise.race([session.exit, timedOut]);
  clearTimeout(timer);
  if (code === 'timeout') {
    session.kill();
    return { ok: false, output: `command timed out after ${timeoutMs / 1000}s` };
  }
  return { ok: code === 0, output: code === 0 ? out : out !== '' ? out : `command exited with ${code}` };
}

export function runHttpGet(action: HTTPGetAction, podIP: string, container: Container, timeoutMs: number): Promise<ActionResult> {
  return new Promise((resolve) => {
    let port: number;
    try {
      port = resolvePort(action.port, container);
    } catch (err) {
      resolve({ ok: false, output: (err as Error).message });
      return;
    }
    const host = action.host !== undefined && action.host !== '' ? action.host : podIP;
    const secure = (action.scheme ?? 'HTTP').toUpperCase() === 'HTTPS';
    const headers: Record<string, string> = { 'user-agent': 'kube-probe/1.32', accept: '*/*' };
    for (const h of action.httpHeaders ?? []) headers[h.name.toLowerCase()] = h.value;
    const url = `${secure ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}${action.path ?? '/'}`;
    const req = (secure ? https : http).get(url, { headers, timeout: timeoutMs, rejectUnauthorized: false }, (res) => {
      const code = res.statusCode ?? 0;
      let body = '';
      res.on('data', (d: Buffer) => {
        if (body.length < MAX_OUTPUT) body += d.toString();
      });
      res.on('end', () => resolve(code >= 200 && code < 400 ? { ok: true, output: body } : { ok: false, output: `HTTP probe failed with statuscode: ${code}` }));
      res.on('error', (err) => resolve({ ok: false, output: `Get "${url}": ${err.message}` }));
    });
    req.on('timeout', () => req.destroy(new Error('context deadline exceeded (Client.Timeout exceeded while awaiting headers)')));
    req.on('error', (err) => resolve({ ok: false, output: `Get "${url}": ${err.message}` }));
  });
}

export function runTcp(action: TCPSocketAction, podIP: string, container: Container, timeoutMs: number): Promise<ActionResult> {
  return new Promise((resolve) => {
    let port: number;
    try {
      port = resolvePort(action.port, container);
    } catch (err) {
      resolve({ ok: false, output: (err as Error).message });
      return;
    }
    const host = action.host !== undefined && action.host !== '' ? action.host : podIP;
    const sock = net.connect({ host, port, timeout: timeoutMs });
    sock.once('connect', () => {
      sock.destroy();
      resolve({ ok: true, output: '' });
    });
    sock.once('timeout', () => {
      sock.destroy();
      resolve({ ok: false, output: `dial tcp ${host}:${port}: i/o timeout` });
    });
    sock.once('error', (err) => resolve({ ok: false, output: `dial tcp ${host}:${port}: ${err.message}` }));
  });
}

export interface ActionTarget {
  runtime: Runtime;
  containerID: string;
  podIP: string;
  container: Container;
}

/** Runs whichever action the probe or handler names. */
export async function runAction(
  a: { exec?: ExecAction; httpGet?: HTTPGetAction; tcpSocket?: TCPSocketAction; grpc?: GRPCAction; sleep?: { seconds: number } },
  t: ActionTarget,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ActionResult> {
  try {
    if (a.exec !== undefined) return await runExec(t.runtime, t.containerID, a.exec, timeoutMs);
    if (a.httpGet !== undefined) return await runHttpGet(a.httpGet, t.podIP, t.container, timeoutMs);
    if (a.tcpSocket !== undefined) return await runTcp(a.tcpSocket, t.podIP, t.container, timeoutMs);
    if (a.grpc !== undefined) return await runGrpc(a.grpc, t.podIP, timeoutMs);
    if (a.sleep !== undefined) {
      const ms = Math.min(a.sleep.seconds * 1000, timeoutMs);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
      return { ok: true, output: '' };
    }
    return { ok: false, output: 'no action given (exec, httpGet, tcpSocket, grpc or sleep)' };
  } catch (err) {
    return { ok: false, output: err instanceof Error ? err.message : String(err) };
  }
}
