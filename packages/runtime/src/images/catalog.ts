import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { MountSpec } from '../types.js';
import { readCatalogFile } from './catalog-file.js';
import { defaultImages, type DefaultImagesOptions } from './defaults.js';
import { ImagePullError } from './errors.js';
import { IMAGE_PATH } from './programs.js';
import { canonicalImageName, InvalidImageReference, parseImageRef, qualifiedRepository, type ImageRef } from './reference.js';

/**
 * What an image means on this node: the program to run and what it needs around it. The kubelet
 * builds a container's argv the Docker way: `command` replaces `entrypoint`, `args` replace `cmd`.
 */
export interface ResolvedImage {
  /** Fully qualified name for the container status: `docker.io/library/nginx:latest`. */
  image: string;
  /** Stable identity of what the entry runs, for `imageID`: `<name>@sha256:<hex>`. */
  imageID: string;
  entrypoint: string[];
  cmd: string[];
  /** The image's environment, PATH included (without `pathPrefix`). */
  env: Record<string, string>;
  workingDir?: string;
  /**
   * Files the image brings (a generated config, its private log dir). Mount these before the
   * pod's volumes so that a volume at the same path (the sidecar pattern at /var/log/nginx)
   * covers the image's. A `containerPath` may not exist on the node: the runtime creates it.
   */
  mounts: MountSpec[];
  /** Directories to put before `env.PATH` (busybox applet links, programs outside the image PATH). */
  pathPrefix: string[];
  /** See ImageConfig.createdAtStart. */
  createdAtStart?: string[];
}

/** What one entry gives for one container. */
export interface ImageConfig {
  entrypoint?: string[];
  cmd?: string[];
  env?: Record<string, string>;
  workingDir?: string;
  mounts?: MountSpec[];
  pathPrefix?: string[];
  /**
   * Files the program creates the moment it starts (nginx's access log), made empty by the
   * container's setup when missing: a container started after this one then finds them, as on
   * Kubernetes, where creating the next container takes far longer than this program's start.
   */
  createdAtStart?: string[];
}

export interface BuildContext {
  ref: ImageRef;
  /** A directory private to this container where the entry may create files; it exists. */
  containerDir: string;
  /** Resolves another catalog entry (for entries that build on one, e.g. `from: busybox`). */
  resolveEntry(name: string): Promise<ImageConfig>;
}

/** An entry whose config is computed per container (the defaults find their programs on the node). */
export interface ImageBuilder {
  /** Repository path (`nginx`, `myorg/app`), or `path:tag` to match only that tag. Registry and `library/` are ignored. */
  name: string;
  build(ctx: BuildContext): Promise<ImageConfig>;
}

/** A fixed entry, as user catalog files give them. `from` starts from another entry's config. */
export interface StaticImage extends Omit<ImageConfig, 'mounts' | 'pathPrefix'> {
  name: string;
  from?: string;
}

export type ImageEntry = ImageBuilder | StaticImage;

/** Catalog keys: the repository path, plus `:tag` for tag-specific entries. */
function entryKey(name: string): string {
  const ref = parseImageRef(name);
  return ref.tag !== undefined ? `${ref.repository}:${ref.tag}` : ref.repository;
}

/** Resolves image references to programs on this node. Entries are registered explicitly; nothing is ever pulled. */
export class ImageCatalog {
  private readonly entries = new Map<string, ImageEntry>();

  /** `catalogFlag` is how the error message tells users to add entries. */
  constructor(private readonly catalogFlag = '--image-catalog FILE') {}

  /**
   * busybox, nginx, node, pause, python and redis, backed by programs on this node. Give
   * `sharedDir` (a directory under the kubelet's root dir) so busybox containers share one set
   * of applet links instead of making their own.
   */
  static withDefaults(opts: DefaultImagesOptions & { catalogFlag?: string } = {}): ImageCatalog {
    const catalog = new ImageCatalog(opts.catalogFlag);
    for (const entry of defaultImages(opts)) catalog.register(entry);
    return catalog;
  }

  /** Registers the entries of a user catalog file (see catalog-file.ts); returns their names. */
  async loadFile(file: string): Promise<string[]> {
    const entries = await readCatalogFile(file);
    for (const entry of entries) this.register(entry);
    return entries.map((e) => e.name);
  }

  /** Replaces any entry of the same name, so user files can override the defaults. */
  register(entry: ImageEntry): this {
    this.entries.set(entryKey(entry.name), entry);
    return this;
  }

  available(): string[] {
    return [...this.entries.keys()].sort();
  }

  async resolve(image: string, containerDir: string): Promise<ResolvedImage> {
    let ref: ImageRef;
    try {
      ref = parseImageRef(image);
    } catch (err) {
      if (err instanceof InvalidImageReference) {
        throw new ImagePullError(image, `Failed to apply default image tag "${image}": ${err.message}`, 'InvalidImageName');
      }
      throw err;
    }
    const keys = ref.tag !== undefined ? [`${ref.repository}:${ref.tag}`, ref.repository] : [ref.repository];
    const key = keys.find((k) => this.entries.has(k));
    if (key === undefined) {
      throw new ImagePullError(
        image,
        `image "${image}" is not in kite's local catalog (kite never pulls images); available: ${this.available().join(', ')} — add entries with ${this.catalogFlag}`,
      );
    }
    await mkdir(containerDir, { recursive: true });
    const config = await this.build(key, ref, containerDir, [key]);
    const env = { PATH: IMAGE_PATH, ...config.env };
    const resolved: ResolvedImage = {
      image: canonicalImageName(ref),
      imageID: '',
      entrypoint: config.entrypoint ?? [],
      cmd: config.cmd ?? [],
      env,
      mounts: config.mounts ?? [],
      pathPrefix: config.pathPrefix ?? [],
    };
    if (config.workingDir !== undefined) resolved.workingDir = config.workingDir;
    if (config.createdAtStart !== undefined && config.createdAtStart.length > 0) resolved.createdAtStart = config.createdAtStart;
    resolved.imageID = `${qualifiedRepository(ref)}@sha256:${identity(key, resolved, containerDir)}`;
    return resolved;
  }

  private async build(key: string, ref: ImageRef, containerDir: string, chain: string[]): Promise<ImageConfig> {
    const entry = this.entries.get(key)!;
    const ctx: BuildContext = {
      ref,
      containerDir,
      resolveEntry: async (name) => {
        const base = entryKey(name);
        if (!this.entries.has(base)) throw new ImagePullError(ref.raw, `image "${ref.raw}" is built from "${name}", which is not in kite's local catalog`);
        if (chain.includes(base)) throw new ImagePullError(ref.raw, `image "${ref.raw}": catalog entries form a loop: ${[...chain, base].join(' -> ')}`);
        return this.build(base, ref, containerDir, [...chain, base]);
      },
    };
    if ('build' in entry) return entry.build(ctx);
    const base = entry.from !== undefined ? await ctx.resolveEntry(entry.from) : {};
    const config: ImageConfig = { ...base };
    // Like a Dockerfile: a new ENTRYPOINT resets the base image's CMD.
    if (entry.entrypoint !== undefined) {
      config.entrypoint = entry.entrypoint;
      config.cmd = [];
    }
    if (entry.cmd !== undefined) config.cmd = entry.cmd;
    if (entry.env !== undefined) config.env = { ...base.env, ...entry.env };
    if (entry.workingDir !== undefined) config.workingDir = entry.workingDir;
    return config;
  }
}

/** A digest of what the entry runs, independent of the container's own directory. */
function identity(key: string, resolved: ResolvedImage, containerDir: string): string {
  const { imageID: _, image: __, ...rest } = resolved;
  const text = JSON.stringify({ key, ...rest }).split(containerDir).join('<container>');
  return createHash('sha256').update(text).digest('hex');
}
