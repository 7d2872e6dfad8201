import { Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process, with Node's default process metrics under `kite_<component>_`. */
export function createMetricsRegistry(component: string): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: `kite_${component.replace(/-/g, '_')}_` });
  return registry;
}
