import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What `kite node kill|start` asks a running `kite up` to do. */
export interface NodeControl {
  names(): string[];
  kill(name: string): boolean;
  start(name: string): Promise<void>;
}

/**
 * A loopback HTTP endpoint of the running `kite up` (its address is in the state file), so
 * `kite node kill node-2` and `kite node start node-2` act on the processes it supervises.
 */
export async function startControlServer(nodes: NodeControl): Promise<{ address: string; close(): void }> {
  const server = http.createServer((req, res) => {
    const m = /^\/nodes\/([^/]+)\/(kill|start)$/.exec(req.url ?? '');
    const reply = (code: number, text: string): void => {
      res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${text}\n`);
    };
    if (req.method !== 'POST' || !m) return reply(404, 'use POST /nodes/<name>/kill or /nodes/<name>/start');
    const name = decodeURIComponent(m[1] as string);
    if (!nodes.names().includes(name)) return reply(404, `no node ${name}; this cluster has ${nodes.names().join(', ') || 'no nodes'}`);
    if (m[2] === 'kill') return nodes.kill(name) ? reply(200, `${name} killed`) : reply(409, `${name} is not running`);
    nodes.start(name).then(
      () => reply(200, `${name} started`),
      (err: unknown) => reply(409, (err as Error).message),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const a = server.address() as AddressInfo;
  return { address: `127.0.0.1:${a.port}`, close: () => server.close() };
}
