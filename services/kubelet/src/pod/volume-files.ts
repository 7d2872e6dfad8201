/**
 * The files of configMap, secret, downwardAPI and projected volumes, computed from the API
 * objects (no disk access): B's atomic writer puts them in place. Kubernetes' rules: `items`
 * selects and renames keys (a missing key is an error unless the source is optional), `mode`
 * beats `defaultMode`, which defaults to 0644.
 */
import { fieldRefValue, resourceFieldValue, type FieldContext, type NodeAllocatable } from './field-path.js';
import type { ConfigMap, DownwardAPIVolumeFile, KeyToPath, Pod, Secret, Volume } from './types.js';
import type { ConfigSource } from './env.js';

export interface VolumeFile {
  path: string;
  data: Buffer;
  mode: number;
}

/** A volume cannot be set up yet (FailedMount); the kubelet keeps trying. */
export class VolumeError extends Error {
  override name = 'VolumeError';
}

const DEFAULT_MODE = 0o644;

function keyed(kind: 'configmap' | 'secret', data: Map<string, Buffer>, items: KeyToPath[] | undefined, mode: number, optional: boolean): VolumeFile[] {
  if (items === undefined || items.length === 0) return [...data.entries()].map(([k, v]) => ({ path: k, data: v, mode }));
  const out: VolumeFile[] = [];
  for (const it of items) {
    const v = data.get(it.key);
    if (v === undefined) {
      if (optional) continue;
      throw new VolumeError(`${kind} references non-existent config key: ${it.key}`);
    }
    out.push({ path: it.path, data: v, mode: it.mode ?? mode });
  }
  return out;
}

function configMapData(cm: ConfigMap): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(cm.data ?? {})) m.set(k, Buffer.from(v, 'utf8'));
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) m.set(k, Buffer.from(v, 'base64'));
  return m;
}

function secretData(s: Secret): Map<string, Buffer> {
  return new Map(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
}

export interface VolumeContext {
  source: ConfigSource;
  field: FieldContext;
  node: NodeAllocatable;
}

function configMapFiles(ns: string, src: { name?: string; items?: KeyToPath[]; optional?: boolean }, mode: number, ctx: VolumeContext): VolumeFile[] {
  const name = src.name ?? '';
  const cm = ctx.source.configMap(ns, name);
  if (cm === undefined) {
    if (src.optional === true) return [];
    throw new VolumeError(`configmap ${JSON.stringify(name)} not found`);
  }
  return keyed('configmap', configMapData(cm), src.items, mode, src.optional === true);
}

function secretFiles(ns: string, name: string, src: { items?: KeyToPath[]; optional?: boolean }, mode: number, ctx: VolumeContext): VolumeFile[] {
  const s = ctx.source.secret(ns, name);
  if (s === undefined) {
    if (src.optional === true) return [];
    throw new VolumeError(`secret ${JSON.stringify(name)} not found`);
  }
  return keyed('secret', secretData(s), src.items, mode, src.optional === true);
}

function downwardFiles(pod: Pod, items: DownwardAPIVolumeFile[], mode: number, ctx: VolumeContext): VolumeFile[] {
  return items.map((it) => {
    let text: string;
    if (it.fieldRef !== undefined) text = fieldRefValue(it.fieldRef, ctx.field, true);
    else if (it.resourceFieldRef !== undefined) text = resourceFieldValue(it.resourceFieldRef, [...pod.spec.containers, ...(pod.spec.initContainers ?? [])], undefined, ctx.node);
    else throw new VolumeError(`downwardAPI item ${JSON.stringify(it.path)} has neither fieldRef nor resourceFieldRef`);
    return { path: it.path, data: Buffer.from(text, 'utf8'), mode: it.mode ?? mode };
  });
}

/** Which kind of content a volume holds; undefined for kinds without generated files. */
export function generatedKind(v: Volume): 'configMap' | 'secret' | 'downwardAPI' | 'projected' | undefined {
  if (v.configMap !== undefined) return 'configMap';
  if (v.secret !== undefined) return 'secret';
  if (v.downwardAPI !== undefined) return 'downwardAPI';
  if (v.projected !== undefined) return 'projected';
  return undefined;
}

/** The files of a configMap, secret, downwardAPI or projected volume. */
export function volumeFiles(pod: Pod, v: Volume, ctx: VolumeContext): VolumeFile[] {
  const ns = pod.metadata.namespace ?? 'default';
  if (v.configMap !== undefined) return configMapFiles(ns, v.configMap, v.configMap.defaultMode ?? DEFAULT_MODE, ctx);
  if (v.secret !== undefined) return secretFiles(ns, v.secret.secretName ?? '', v.secret, v.secret.defaultMode ?? DEFAULT_MODE, ctx);
  if (v.downwardAPI !== undefined) return downwardFiles(pod, v.downwardAPI.items ?? [], v.downwardAPI.defaultMode ?? DEFAULT_MODE, ctx);
  if (v.projected !== undefined) {
    const mode = v.projected.defaultMode ?? DEFAULT_MODE;
    const out: VolumeFile[] = [];
    for (const s of v.projected.sources ?? []) {
      if (s.configMap !== undefined) out.push(...configMapFiles(ns, s.configMap, mode, ctx));
      else if (s.secret !== undefined) out.push(...secretFiles(ns, s.secret.name ?? '', s.secret, mode, ctx));
      else if (s.downwardAPI !== undefined) out.push(...downwardFiles(pod, s.downwardAPI.items ?? [], mode, ctx));
      // serviceAccountToken needs the token controller; until it exists the file is left out.
    }
    return out;
  }
  return [];
}

/** ConfigMaps and Secrets a pod's volumes and env refer to: `ConfigMap/ns/name` keys, for change tracking. */
export function referencedObjects(pod: Pod): Set<string> {
  const ns = pod.metadata.namespace ?? 'default';
  const out = new Set<string>();
  for (const v of pod.spec.volumes ?? []) {
    if (v.configMap?.name) out.add(`ConfigMap/${ns}/${v.configMap.name}`);
    if (v.secret?.secretName) out.add(`Secret/${ns}/${v.secret.secretName}`);
    for (const s of v.projected?.sources ?? []) {
      if (s.configMap?.name) out.add(`ConfigMap/${ns}/${s.configMap.name}`);
      if (s.secret?.name) out.add(`Secret/${ns}/${s.secret.name}`);
    }
  }
  for (const c of [...pod.spec.containers, ...(pod.spec.initContainers ?? [])]) {
    for (const f of c.envFrom ?? []) {
      if (f.configMapRef?.name) out.add(`ConfigMap/${ns}/${f.configMapRef.name}`);
      if (f.secretRef?.name) out.add(`Secret/${ns}/${f.secretRef.name}`);
    }
    for (const e of c.env ?? []) {
      if (e.valueFrom?.configMapKeyRef?.name) out.add(`ConfigMap/${ns}/${e.valueFrom.configMapKeyRef.name}`);
      if (e.valueFrom?.secretKeyRef?.name) out.add(`Secret/${ns}/${e.valueFrom.secretKeyRef.name}`);
    }
  }
  return out;
}
