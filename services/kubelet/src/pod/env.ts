/**
 * A container's environment, as Kubernetes builds it: `envFrom` sources first (in order, with
 * their prefix), then `env` in order, each `value` expanded against the variables defined
 * before it. A missing ConfigMap, Secret or key that is not optional is a
 * CreateContainerConfigError: the container waits and the kubelet tries again.
 */
import { expandVars } from './expand.js';
import { fieldRefValue, resourceFieldValue, type FieldContext, type NodeAllocatable } from './field-path.js';
import { serviceEnv, type Service } from './service-env.js';
import type { ConfigMap, Container, Pod, Secret } from './types.js';

/** Read access to the ConfigMaps and Secrets a pod refers to (the kubelet's informer caches). */
export interface ConfigSource {
  configMap(namespace: string, name: string): ConfigMap | undefined;
  secret(namespace: string, name: string): Secret | undefined;
  /** Services of a namespace, for the service environment variables; none when absent. */
  services?(namespace: string): Service[];
}

/** The container cannot be configured yet (Kubernetes' CreateContainerConfigError). */
export class ContainerConfigError extends Error {
  override name = 'ContainerConfigError';
}

export interface EnvContext {
  field: FieldContext;
  node: NodeAllocatable;
  source: ConfigSource;
}

export interface ResolvedEnv {
  /** In definition order; a later definition of a name replaces the earlier one. */
  env: Map<string, string>;
  /** Things a user should hear about (skipped envFrom keys), as event messages. */
  warnings: string[];
}

const decode = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');

/** ConfigMap or Secret data as strings (secret values arrive base64-encoded). */
function dataOf(kind: 'ConfigMap' | 'Secret', obj: ConfigMap | Secret): Record<string, string> {
  if (kind === 'Secret') return Object.fromEntries(Object.entries((obj as Secret).data ?? {}).map(([k, v]) => [k, decode(v)]));
  const cm = obj as ConfigMap;
  return { ...Object.fromEntries(Object.entries(cm.binaryData ?? {}).map(([k, v]) => [k, decode(v)])), ...(cm.data ?? {}) };
}

function lookup(kind: 'ConfigMap' | 'Secret', source: ConfigSource, namespace: string, name: string): ConfigMap | Secret | undefined {
  return kind === 'ConfigMap' ? source.configMap(namespace, name) : source.secret(namespace, name);
}

const notFound = (kind: 'ConfigMap' | 'Secret', name: string): ContainerConfigError => new ContainerConfigError(`${kind.toLowerCase()} ${JSON.stringify(name)} not found`);

/** Environment variable names may be any printable characters but `=`. */
const validName = (n: string): boolean => n !== '' && !n.includes('=') && /^[\x20-\x7e]+$/.test(n);

export function resolveEnv(pod: Pod, container: Container, ctx: EnvContext): ResolvedEnv {
  const ns = pod.metadata.namespace ?? 'default';
  const env = new Map<string, string>();
  const warnings: string[] = [];
  // Service variables fill in only what the container does not define, but $(VAR) sees them.
  const services = ctx.source.services !== undefined ? serviceEnv(ns, pod.spec.enableServiceLinks as boolean | undefined, (n) => ctx.source.services?.(n) ?? []) : new Map<string, string>();
  const lookupVar = (n: string): string | undefined => env.get(n) ?? services.get(n);
  for (const from of container.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    if (ref === undefined) continue;
    const kind = from.configMapRef !== undefined ? 'ConfigMap' : 'Secret';
    const name = ref.name ?? '';
    const obj = lookup(kind, ctx.source, ns, name);
    if (obj === undefined) {
      if (ref.optional === true) continue;
      throw notFound(kind, name);
    }
    const invalid: string[] = [];
    for (const [k, v] of Object.entries(dataOf(kind, obj))) {
      const key = (from.prefix ?? '') + k;
      if (!validName(key)) invalid.push(key);
      else env.set(key, v);
    }
    if (invalid.length > 0)
      warnings.push(`Keys [${invalid.sort().join(', ')}] from the EnvFrom ${kind.toLowerCase()} ${ns}/${name} were skipped since they are considered invalid environment variable names.`);
  }
  for (const v of container.env ?? []) {
    const from = v.valueFrom;
    if (from === undefined) {
      env.set(v.name, expandVars(v.value ?? '', lookupVar));
      continue;
    }
    if (from.fieldRef !== undefined) {
      env.set(v.name, fieldRefValue(from.fieldRef, ctx.field));
    } else if (from.resourceFieldRef !== undefined) {
      env.set(v.name, resourceFieldValue(from.resourceFieldRef, [...pod.spec.containers, ...(pod.spec.initContainers ?? [])], container.name, ctx.node));
    } else {
      const sel = from.configMapKeyRef ?? from.secretKeyRef;
      if (sel === undefined) continue;
      const kind = from.configMapKeyRef !== undefined ? 'ConfigMap' : 'Secret';
      const name = sel.name ?? '';
      const obj = lookup(kind, ctx.source, ns, name);
      if (obj === undefined) {
        if (sel.optional === true) continue;
        throw notFound(kind, name);
      }
      const value = dataOf(kind, obj)[sel.key];
      if (value === undefined) {
        if (sel.optional === true) continue;
        throw new ContainerConfigError(`couldn't find key ${sel.key} in ${kind} ${ns}/${name}`);
      }
      env.set(v.name, value);
    }
  }
  for (const [k, v] of services) if (!env.has(k)) env.set(k, v);
  return { env, warnings };
}

/** Kubernetes' rule for an image's entrypoint and cmd against a container's command and args. */
export function commandLine(image: { entrypoint: string[]; cmd: string[] }, container: Pick<Container, 'command' | 'args'>, env: Map<string, string>): string[] {
  const expand = (xs: string[]): string[] => xs.map((x) => expandVars(x, (n) => env.get(n)));
  const command = container.command !== undefined && container.command.length > 0 ? expand(container.command) : undefined;
  const args = container.args !== undefined && container.args.length > 0 ? expand(container.args) : undefined;
  if (command !== undefined) return [...command, ...(args ?? [])];
  return [...image.entrypoint, ...(args ?? image.cmd)];
}
