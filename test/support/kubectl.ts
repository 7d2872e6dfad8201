import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** The versioned kubectl binaries beside the one the dispatcher on PATH resolves to. */
export function kubectlBinary(minor?: number): string {
  if (minor === undefined) return 'kubectl';
  const dispatcher = execFileSync('sh', ['-c', 'readlink -f "$(command -v kubectl)"']).toString().trim();
  return path.join(path.dirname(dispatcher), `kubectl.1.${minor}`);
}

export interface KubectlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Kubectl {
  (args: string[], opts?: { stdin?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<KubectlResult>;
  /** Runs and fails the test (throws) on a non-zero exit. */
  ok(args: string[], opts?: { stdin?: string; env?: NodeJS.ProcessEnv }): Promise<string>;
  kubeconfig: string;
  dir: string;
  remove(): Promise<void>;
}

/**
 * A kubectl pointed at `serverUrl` through its own kubeconfig and a fresh discovery cache, so
 * no test sees another's cached discovery or OpenAPI.
 */
export async function kubectlFor(serverUrl: string, binary = 'kubectl'): Promise<Kubectl> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kite-kubectl-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  await writeFile(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- cluster: {server: "${serverUrl}"}`,
      '  name: kite',
      'contexts:',
      '- context: {cluster: kite, user: kite}',
      '  name: kite',
      'current-context: kite',
      'users:',
      '- name: kite',
      '  user: {token: kite}',
      '',
    ].join('\n'),
  );
  const run = (args: string[], opts: { stdin?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<KubectlResult> =>
    new Promise((resolve, reject) => {
      const child = spawn(binary, ['--kubeconfig', kubeconfig, '--cache-dir', path.join(dir, 'cache'), ...args], {
        env: { ...process.env, HOME: dir, KUBECONFIG: kubeconfig, ...opts.env },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
      child.stdin.end(opts.stdin ?? '');
    });
  const k = run as Kubectl;
  k.ok = async (args, opts) => {
    const r = await run(args, opts);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  k.kubeconfig = kubeconfig;
  k.dir = dir;
  k.remove = () => rm(dir, { recursive: true, force: true });
  return k;
}
