import { SchemaRegistry } from '../dsl.js';
import { appsTypes } from './apps.js';
import { batchTypes } from './batch.js';
import { corePodTypes } from './core-pod.js';
import { coreTypes } from './core.js';
import { metaTypes } from './meta.js';
import { miscTypes } from './misc.js';

/** Every type kite serves, checked for dangling references and reused proto numbers. */
export function kubernetesSchema(): SchemaRegistry {
  const r = new SchemaRegistry().add(...metaTypes, ...corePodTypes, ...coreTypes, ...appsTypes, ...batchTypes, ...miscTypes);
  r.check();
  return r;
}
