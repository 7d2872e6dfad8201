import { Option } from 'commander';

/**
 * A flag whose environment variable is derived from it: `--data-dir` of `kite-store` reads
 * KITE_STORE_DATA_DIR. Every flag has one, so containers and compose files need no wrapper.
 */
export function envOption(component: string, flags: string, description: string): Option {
  const long = /--([a-z0-9-]+)/.exec(flags)?.[1];
  if (!long) throw new Error(`flag without a long name: ${flags}`);
  const env = `${component}-${long}`.toUpperCase().replace(/-/g, '_');
  return new Option(flags, description).env(env);
}

/** Thrown by an Options compiler; the CLI prints the message and exits 2. */
export class OptionsError extends Error {
  override name = 'OptionsError';
}
