import { describe } from 'vitest';
import { kubectlBinary } from '../support/kubectl.js';
import { clusterPerSuite, kubectlPerTest } from './cluster.js';
import { coreSuite } from './core-suite.js';

// The same storage code over the plain etcd v3 protocol: a real etcd, then a 3-member cluster
// with --etcd-servers listing every member.
describe.each(['etcd', 'etcd-cluster'] as const)('kubectl against kite-apiserver on %s', (backend) => {
  const cluster = clusterPerSuite(backend);
  const kubectl = kubectlPerTest(cluster, kubectlBinary());
  coreSuite(cluster, kubectl);
});
