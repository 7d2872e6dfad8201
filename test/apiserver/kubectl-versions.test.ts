import { describe } from 'vitest';
import { kubectlBinary } from '../support/kubectl.js';
import { clusterPerSuite, kubectlPerTest } from './cluster.js';
import { coreSuite } from './core-suite.js';

// 1.29 sends JSON where 1.32+ sends protobuf and knows no aggregated discovery; 1.33 is the newest.
describe.each([29, 33])('kubectl 1.%i against kite-apiserver on kite-store', (minor) => {
  const cluster = clusterPerSuite('kite-store');
  const kubectl = kubectlPerTest(cluster, kubectlBinary(minor));
  coreSuite(cluster, kubectl);
});
