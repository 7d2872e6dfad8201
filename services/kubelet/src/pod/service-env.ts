/**
 * Kubernetes' service environment variables (`enableServiceLinks`): for each Service with a
 * ClusterIP in the pod's namespace, and always for `kubernetes` in `default`, the
 * `<NAME>_SERVICE_HOST` / `_SERVICE_PORT` variables and the Docker-link style `<NAME>_PORT_*`.
 */
import type { KubeObject } from '@kite/client';

export interface Service extends KubeObject {
  spec?: { clusterIP?: string; type?: string; ports?: Array<{ name?: string; port: number; protocol?: string }> };
}

const envName = (s: string): string => s.toUpperCase().replace(/-/g, '_');

function varsFor(svc: Service, out: Map<string, string>): void {
  const ip = svc.spec?.clusterIP;
  const ports = svc.spec?.ports ?? [];
  if (ip === undefined || ip === '' || ip === 'None' || ports.length === 0) return;
  const name = envName(svc.metadata.name as string);
  const first = ports[0] as { port: number; protocol?: string };
  out.set(`${name}_SERVICE_HOST`, ip);
  out.set(`${name}_SERVICE_PORT`, String(first.port));
  for (const p of ports) if (p.name !== undefined && p.name !== '') out.set(`${name}_SERVICE_PORT_${envName(p.name)}`, String(p.port));
  const host = ip.includes(':') ? `[${ip}]` : ip;
  out.set(`${name}_PORT`, `${(first.protocol ?? 'TCP').toLowerCase()}://${host}:${first.port}`);
  for (const p of ports) {
    const proto = (p.protocol ?? 'TCP').toLowerCase();
    const prefix = `${name}_PORT_${p.port}_${proto.toUpperCase()}`;
    out.set(prefix, `${proto}://${host}:${p.port}`);
    out.set(`${prefix}_PROTO`, proto);
    out.set(`${prefix}_PORT`, String(p.port));
    out.set(`${prefix}_ADDR`, ip);
  }
}

/**
 * The variables for a pod in `namespace`: its namespace's Services (sorted by name, when
 * `enableServiceLinks` is not false) and the `kubernetes` Service of `default`, which wins.
 */
export function serviceEnv(namespace: string, enableServiceLinks: boolean | undefined, services: (namespace: string) => Service[]): Map<string, string> {
  const out = new Map<string, string>();
  if (enableServiceLinks !== false) {
    const own = services(namespace)
      .filter((s) => s.spec?.type !== 'ExternalName')
      .sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)));
    for (const s of own) if (!(namespace !== 'default' && s.metadata.name === 'kubernetes')) varsFor(s, out);
  }
  const master = services('default').find((s) => s.metadata.name === 'kubernetes');
  if (master !== undefined) varsFor(master, out);
  return out;
}
