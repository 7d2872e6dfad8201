import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { formatHostPort, type HostPort } from './address.js';

export type Check = () => string | undefined | Promise<string | undefined>;

export interface HealthServerOptions {
  listen: HostPort;
  registry: Registry;
  /** Each returns undefined when healthy, or a reason. */
  liveness?: Record<string, Check>;
  readiness?: Record<string, Check>;
}

export interface HealthServer {
  address: string;
  close(): Promise<void>;
}

async function runChecks(checks: Record<string, Check>): Promise<{ ok: boolean; body: string }> {
  const lines: string[] = [];
  let ok = true;
  for (const [name, check] of Object.entries(checks)) {
    let reason: string | undefined;
    try {
      reason = await check();
    } catch (err) {
      reason = err instanceof Error ? err.message : String(err);
    }
    if (reason === undefined) lines.push(`[+]${name} ok`);
    else {
      ok = false;
      lines.push(`[-]${name} failed: ${reason}`);
    }
  }
  lines.push(ok ? 'healthz check passed' : 'healthz check failed');
  return { ok, body: lines.join('\n') + '\n' };
}

/**
 * Answers /healthz, /livez, /readyz (Kubernetes-style verbose bodies) and /metrics; returns
 * false for any other path so a process can mount these on its own HTTP server.
 */
export function healthHandler(opts: Omit<HealthServerOptions, 'listen'>): (req: http.IncomingMessage, res: http.ServerResponse) => boolean {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (code: number, body: string, type = 'text/plain; charset=utf-8'): void => {
      res.writeHead(code, { 'content-type': type });
      res.end(body);
    };
    const serveChecks = (checks: Record<string, Check>): void => {
      runChecks(checks).then(
        ({ ok, body }) => send(ok ? 200 : 503, url.searchParams.has('verbose') || !ok ? body : 'ok'),
        (err: unknown) => send(500, String(err)),
      );
    };
    switch (url.pathname) {
      case '/healthz':
      case '/livez':
        serveChecks(opts.liveness ?? {});
        return true;
      case '/readyz':
        serveChecks({ ...(opts.liveness ?? {}), ...(opts.readiness ?? {}) });
        return true;
      case '/metrics':
        opts.registry.metrics().then(
          (text) => send(200, text, opts.registry.contentType),
          (err: unknown) => send(500, String(err)),
        );
        return true;
      default:
        return false;
    }
  };
}

/** Serves /healthz, /readyz and /metrics on their own address. */
export async function startHealthServer(opts: HealthServerOptions): Promise<HealthServer> {
  const handle = healthHandler(opts);
  const server = http.createServer((req, res) => {
    if (!handle(req, res)) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.listen.port, opts.listen.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    address: formatHostPort({ host: addr.address, port: addr.port }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
