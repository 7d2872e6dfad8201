import { describe } from 'vitest';
import { kubectlBinary } from '../support/kubectl.js';
import { clusterPerSuite, kubectlPerTest } from './cluster.js';
import { coreSuite } from './core-suite.js';

// The dispatcher on PATH: it asks /version and, the server saying 1.32, runs kubectl 1.32.
describe('kubectl (dispatcher, 1.32) against kite-apiserver on kite-store', () => {
  const cluster = clusterPerSuite('kite-store');
  const kubectl = kubectlPerTest(cluster, kubectlBinary());
  coreSuite(cluster, kubectl);
});
