import path from 'node:path';
import { repoRoot, startEtcd, startKiteStore, startProcess, type Proc, type Server } from '../store/procs.js';

export const apiServerBin = path.join(repoRoot, 'services/apiserver/dist/bin.js');

export type Backend = 'kite' | 'etcd';

export interface ApiServer extends Proc {
  /** REST address, host:port. */
  address: string;
}

export interface Stack {
  backend: Server;
  apiserver: ApiServer;
  stop(): Promise<void>;
}

export interface StackOptions {
  apiserverBin?: string;
  /** Run kite-apiserver under node --cpu-prof, writing the profile into this dir. */
  cpuProfDir?: string;
  /** Extra flags for node itself (before the script). */
  nodeArgs?: string[];
}

async function waitForListening(p: Proc, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void p.exited.then(() => (exited = true));
  for (;;) {
    const m = /kite-apiserver listening on (\S+)/.exec(p.output());
    if (m) return m[1] as string;
    if (exited) throw new Error(`kite-apiserver exited before it was ready:\n${p.output()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for kite-apiserver:\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The store (kite-store or a real etcd) and a kite-apiserver on it, both on loopback. */
export async function startStack(backendKind: Backend, dataDir: string, o: StackOptions = {}): Promise<Stack> {
  const backend = backendKind === 'kite' ? await startKiteStore(dataDir) : await startEtcd(dataDir);
  let apiserver: ApiServer | undefined;
  try {
    const nodeArgs = [...(o.nodeArgs ?? []), ...(o.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', o.cpuProfDir] : [])];
    const p = startProcess(
      process.execPath,
      [...nodeArgs, o.apiserverBin ?? apiServerBin, '--etcd-servers', `http://${backend.endpoint}`, '--listen', '127.0.0.1:0', '--grpc-listen', '127.0.0.1:0'],
      { KITE_LOG_LEVEL: 'warn' },
    );
    try {
      apiserver = { ...p, address: await waitForListening(p) };
    } catch (err) {
      await p.stop();
      throw err;
    }
  } catch (err) {
    await backend.stop();
    throw err;
  }
  const api = apiserver;
  return {
    backend,
    apiserver: api,
    async stop() {
      await api.stop();
      await backend.stop();
    },
  };
}
