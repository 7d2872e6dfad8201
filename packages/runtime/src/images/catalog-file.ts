import { readFile } from 'node:fs/promises';
import type { StaticImage } from './catalog.js';
import { parseImageRef } from './reference.js';

/**
 * A user catalog file (`--image-catalog FILE`), JSON or YAML:
 *
 *   images:
 *     myorg/app:            # any registry and tag of myorg/app; `myorg/app:2` matches only tag 2
 *       entrypoint: [/usr/bin/python3, /srv/app.py]
 *       cmd: [--port, "8080"]
 *       env: { MODE: production }
 *       workingDir: /srv
 *     luksa/kubia:
 *       from: node            # start from another entry, then override
 *       cmd: [/srv/kubia/app.js]
 */
export async function readCatalogFile(file: string): Promise<StaticImage[]> {
  const text = await readFile(file, 'utf8');
  let doc: unknown;
  try {
    doc = /^\s*[{[]/.test(text) ? JSON.parse(text) : (await import('yaml')).parse(text);
  } catch (err) {
    throw new Error(`image catalog ${file}: ${(err as Error).message}`);
  }
  return parseCatalog(doc, file);
}

const FIELDS = new Set(['entrypoint', 'cmd', 'env', 'workingDir', 'from']);

export function parseCatalog(doc: unknown, file: string): StaticImage[] {
  const fail = (what: string): never => {
    throw new Error(`image catalog ${file}: ${what}`);
  };
  if (!isObject(doc) || !isObject(doc['images'])) fail('expected an object with an "images" map');
  const images = (doc as { images: Record<string, unknown> }).images;
  return Object.entries(images).map(([name, spec]) => {
    const at = `images.${name}`;
    try {
      parseImageRef(name);
    } catch {
      fail(`${at}: "${name}" is not a valid image name`);
    }
    if (!isObject(spec)) return fail(`${at} must be an object`);
    for (const key of Object.keys(spec)) if (!FIELDS.has(key)) fail(`${at}: unknown field "${key}" (known: ${[...FIELDS].join(', ')})`);
    const entry: StaticImage = { name };
    for (const key of ['entrypoint', 'cmd'] as const) {
      const v = spec[key];
      if (v === undefined) continue;
      if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) fail(`${at}.${key} must be a list of strings`);
      entry[key] = v as string[];
    }
    if (spec['env'] !== undefined) {
      const env = spec['env'];
      if (!isObject(env) || !Object.values(env).every((s) => typeof s === 'string')) fail(`${at}.env must map names to strings`);
      entry.env = env as Record<string, string>;
    }
    for (const key of ['workingDir', 'from'] as const) {
      const v = spec[key];
      if (v === undefined) continue;
      if (typeof v !== 'string' || v === '') fail(`${at}.${key} must be a non-empty string`);
      entry[key] = v as string;
    }
    if (entry.workingDir !== undefined && !entry.workingDir.startsWith('/')) fail(`${at}.workingDir must be an absolute path`);
    if (entry.entrypoint === undefined && entry.cmd === undefined && entry.from === undefined) fail(`${at} needs entrypoint, cmd or from`);
    return entry;
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
