import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor, type Cleanup } from '../support/processes.js';
import { startNodeCluster, type NodeCluster } from './node.js';

const cleanups: Cleanup[] = [];
let c: NodeCluster;

beforeAll(async () => {
  c = await startNodeCluster(cleanups);
}, 90_000);

afterAll(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
}, 60_000);

// A grpc.health.v1 server in plain node (http2 is built in): SERVING until /tmp/down exists.
const HEALTH_SERVER = `
const http2 = require('http2'), fs = require('fs');
http2.createServer().on('stream', (stream, headers) => {
  stream.on('data', () => {});
  stream.on('end', () => {
    if (headers[':path'] !== '/grpc.health.v1.Health/Check') {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12' }, { endStream: true });
      return;
    }
    const msg = Buffer.from([0x08, fs.existsSync('/tmp/down') ? 2 : 1]);
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(Buffer.concat([Buffer.from([0, 0, 0, 0, msg.length]), msg]));
  });
}).listen(50051);
`;

it('a gRPC readiness probe follows the health service, with Kubernetes\' event message', async () => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'grpc' },
    spec: {
      nodeName: c.node,
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: 'server',
          image: 'node',
          command: ['node', '-e', HEALTH_SERVER],
          readinessProbe: { grpc: { port: 50051 }, periodSeconds: 1, failureThreshold: 1 },
        },
      ],
    },
  };
  await c.kubectl.ok(['apply', '-f', '-'], { stdin: JSON.stringify(pod) });
  const ready = (): Promise<string> => c.kubectl.ok(['get', 'pod', 'grpc', '-o', 'jsonpath={.status.containerStatuses[0].ready}']);
  await waitFor('the pod Ready through its gRPC probe', async () => ((await ready()) === 'true' ? true : undefined), 30_000);

  await c.kubectl.ok(['exec', 'grpc', '--', 'node', '-e', "require('fs').writeFileSync('/tmp/down', '')"]);
  await waitFor('the pod not Ready', async () => ((await ready()) === 'false' ? true : undefined), 30_000);
  const events = await c.kubectl.ok(['get', 'events', '--field-selector', 'involvedObject.name=grpc', '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}']);
  expect(events).toContain('Unhealthy: Readiness probe failed: service unhealthy (responded with "NOT_SERVING")');
  await c.kubectl.ok(['delete', 'pod', 'grpc', '--timeout=30s']);
}, 90_000);
