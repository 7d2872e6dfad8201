import type { HttpClient } from './http.js';

/** A small pod, the kind of object most of a cluster's writes touch (~300 bytes stored). */
export function pod(name: string, labels: Record<string, string> = {}): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'bench', ...labels } },
    spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.9' }] },
  };
}

export const podsPath = (ns: string, name?: string): string => `/api/v1/namespaces/${ns}/pods${name === undefined ? '' : `/${name}`}`;

export async function createNamespace(http: HttpClient, name: string): Promise<void> {
  await http.expect(201, 'POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } });
}

/** Creates `count` pods named `${prefix}${i}` with `clients` requests in flight; returns pods/s. */
export async function createPods(http: HttpClient, ns: string, prefix: string, count: number, clients: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  const loop = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++) await http.expect(201, 'POST', podsPath(ns), { body: pod(`${prefix}${i}`) });
  };
  await Promise.all(Array.from({ length: clients }, loop));
  return count / ((performance.now() - started) / 1000);
}

export const resourceVersionOf = (body: Buffer): string => {
  const m = /"resourceVersion":"(\d+)"/.exec(body.toString());
  if (!m) throw new Error(`no resourceVersion in ${body.toString().slice(0, 200)}`);
  return m[1] as string;
};
