import type { ResolvedImage } from './catalog.js';

/**
 * A container's argv from its image and its spec, by Kubernetes' rules: `command` replaces the
 * image's entrypoint and drops its cmd; `args` replace the cmd. ($(VAR) expansion is the
 * kubelet's, before this.)
 */
export function containerArgv(image: ResolvedImage, command?: string[], args?: string[]): string[] {
  const entrypoint = command !== undefined && command.length > 0 ? command : image.entrypoint;
  const rest = args !== undefined && args.length > 0 ? args : command !== undefined && command.length > 0 ? [] : image.cmd;
  return [...entrypoint, ...rest];
}

/** The image's environment with `pathPrefix` put before its PATH; the container's own env goes on top. */
export function imageEnv(image: ResolvedImage): Record<string, string> {
  const path = [...image.pathPrefix, image.env['PATH'] ?? ''].filter((p) => p !== '').join(':');
  return { ...image.env, PATH: path };
}
