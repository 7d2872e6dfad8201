/**
 * What the kubelet needs from the runtime package besides the `Runtime` itself: the image
 * catalog and the volume helpers. Declared here as narrow interfaces so the pod logic can be
 * driven by fakes in tests; `kubelet.ts` passes the real ones from @kite/runtime.
 */
import type { MountSpec, Runtime } from '@kite/runtime';

export interface ResolvedImage {
  image: string;
  /** `<name>@sha256:<hex>` for the container status. */
  imageID?: string;
  entrypoint: string[];
  cmd: string[];
  env: Record<string, string>;
  workingDir?: string;
  mounts: MountSpec[];
  /** Directories to put first on PATH (e.g. busybox applet links). */
  pathPrefix: string[];
  /** Files the program creates as it starts, made during container setup (nginx's access log). */
  createdAtStart?: string[];
}

export interface ImageResolver {
  /** Throws (ImagePullError) with a message listing what is available. */
  resolve(image: string, containerDir: string): Promise<ResolvedImage>;
}

export interface VolumeOps {
  makeEmptyDir(dir: string, opts: { medium?: 'Memory'; sizeLimitBytes?: number }): Promise<string>;
  writeAtomicDir(dir: string, files: Array<{ path: string; data: Buffer; mode: number }>, opts: { tmpfs?: boolean }): Promise<void>;
  checkHostPath(path: string, type: string | undefined): Promise<void>;
  unmountUnder(dir: string): Promise<void>;
}

export interface KubeletDeps {
  runtime: Runtime;
  images: ImageResolver;
  volumes: VolumeOps;
}
