import { createHash } from 'node:crypto';
import http from 'node:http';
import {
  decodeKubernetesProtobuf,
  openapiV3Document,
  openapiV3Root,
  parseGroupVersionPath,
  ProtobufError,
  type SchemaRegistry,
} from '@kite/api';
import type { Logger } from '@kite/common';
import { Counter, Gauge, Histogram, type Registry as MetricsRegistry } from 'prom-client';
import { ApiError, badRequest, methodNotAllowed } from '../errors.js';
import type { Registry } from '../registry/registry.js';
import { aggregatedDiscovery, aggregatedFormat, apiGroupDocument, apiGroupList, apiResourceList, apiVersions, groupVersionOf } from './discovery.js';
import { BadPath, parseResourcePath } from './request-info.js';
import { serveResource, type RestContext } from './rest.js';
import { sendError, sendJson } from './respond.js';
import { Streaming } from './streaming/index.js';

export interface ApiHttpOptions {
  registry: Registry;
  log: Logger;
  metrics: MetricsRegistry;
  /** What `/version` reports: the Kubernetes release whose API kite serves. */
  kubernetesVersion: { major: string; minor: string; gitVersion: string };
  /** Serves /healthz, /readyz, /metrics; false when the path is not one of them. */
  health: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
  /** `host:port` clients should use, for `/api`'s serverAddressByClientCIDRs. */
  advertise: () => string;
}

/** OpenAPI documents are built once: they depend only on the schema. */
class OpenApiCache {
  private docs = new Map<string, { text: string; hash: string }>();

  constructor(
    private readonly schema: SchemaRegistry,
    private readonly registry: Registry,
  ) {}

  doc(gvPath: string): { text: string; hash: string } | undefined {
    let d = this.docs.get(gvPath);
    if (d !== undefined) return d;
    const gv = parseGroupVersionPath(gvPath);
    if (gv === undefined || !this.registry.kinds.kinds.some((k) => k.group === gv.group && k.version === gv.version)) return undefined;
    const text = JSON.stringify(openapiV3Document(this.schema, this.registry.kinds.kinds, gv.group, gv.version));
    d = { text, hash: createHash('sha512').update(text).digest('hex').slice(0, 128).toUpperCase() };
    this.docs.set(gvPath, d);
    return d;
  }
}

export function createApiHttpServer(o: ApiHttpOptions): http.Server {
  const requests = new Counter({
    name: 'kite_apiserver_requests_total',
    help: 'REST requests by verb, resource and HTTP code',
    labelNames: ['verb', 'resource', 'subresource', 'code'],
    registers: [o.metrics],
  });
  const latency = new Histogram({
    name: 'kite_apiserver_request_duration_seconds',
    help: 'REST request latency (watches excluded)',
    labelNames: ['verb', 'resource'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [o.metrics],
  });
  const watches = new Gauge({ name: 'kite_apiserver_watches', help: 'Open REST watches by resource', labelNames: ['resource'], registers: [o.metrics] });

  const { registry } = o;
  const openapi = new OpenApiCache(registry.schema, registry);
  const streaming = new Streaming(registry, o.log);
  const ctx: RestContext = {
    registry,
    streaming,
    decodeProtobuf(body) {
      try {
        return decodeKubernetesProtobuf(registry.schema, (apiVersion, kind) => registry.kinds.kind(apiVersion, kind)?.type, body);
      } catch (err) {
        if (err instanceof ProtobufError) throw badRequest(`unable to decode protobuf body: ${err.message}`);
        throw err;
      }
    },
  };

  const serveNonResource = (req: http.IncomingMessage, res: http.ServerResponse, url: URL): boolean => {
    const p = url.pathname.replace(/\/+$/, '') || '/';
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (p === '/version') {
      sendJson(res, 200, { ...o.kubernetesVersion, gitCommit: '', gitTreeState: 'clean', buildDate: '', goVersion: `node${process.versions.node}`, compiler: 'kite', platform: `linux/${process.arch === 'x64' ? 'amd64' : process.arch}` });
      return true;
    }
    const agg = aggregatedFormat(req.headers.accept);
    if (p === '/api') {
      if (agg) sendJson(res, 200, aggregatedDiscovery(agg.version, registry.kinds.kinds, true), agg.type);
      else sendJson(res, 200, apiVersions(o.advertise()));
      return true;
    }
    if (p === '/apis') {
      if (agg) sendJson(res, 200, aggregatedDiscovery(agg.version, registry.kinds.kinds, false), agg.type);
      else sendJson(res, 200, apiGroupList(registry.kinds.groups()));
      return true;
    }
    if (p === '/openapi/v3') {
      const root = openapiV3Root(registry.kinds.kinds, (gv) => openapi.doc(gv)?.hash ?? '');
      sendJson(res, 200, root);
      return true;
    }
    if (p.startsWith('/openapi/v3/')) {
      const d = openapi.doc(p.slice('/openapi/v3/'.length));
      if (d === undefined) return false;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(d.text), 'cache-control': url.searchParams.has('hash') ? 'public, immutable' : 'no-cache, private' });
      res.end(d.text);
      return true;
    }
    const parts = p.split('/').filter(Boolean);
    if (parts[0] === 'apis' && parts.length === 2) {
      const versions = registry.kinds.groups().get(parts[1] as string);
      if (versions === undefined || parts[1] === '') return false;
      sendJson(res, 200, apiGroupDocument(parts[1] as string, versions));
      return true;
    }
    return false;
  };

  const serveGroupVersion = (res: http.ServerResponse, group: string, version: string): boolean => {
    const kinds = registry.kinds.kinds.filter((k) => k.group === group && k.version === version);
    if (kinds.length === 0) return false;
    sendJson(res, 200, apiResourceList(groupVersionOf({ group, version }), kinds));
    return true;
  };

  const notFoundPage = (res: http.ServerResponse): void => sendJson(res, 404, new ApiError(404, 'NotFound', 'the server could not find the requested resource', {}).toStatus());

  const server = http.createServer((req, res) => {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://localhost');
    let info: ReturnType<typeof parseResourcePath>;
    try {
      info = parseResourcePath(url.pathname);
    } catch (err) {
      if (err instanceof BadPath) return void sendError(res, badRequest(err.message), () => undefined);
      throw err;
    }
    const verb = (req.method ?? 'GET').toLowerCase();
    const isWatch = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
    const resource = info?.resource ?? '';
    const done = (code: number): void => {
      requests.inc({ verb: isWatch ? 'watch' : verb, resource, subresource: info?.subresource ?? '', code });
      if (!isWatch) latency.observe({ verb, resource }, Number(process.hrtime.bigint() - started) / 1e9);
    };
    res.on('finish', () => done(res.statusCode));
    if (o.health(req, res)) return;
    if (info === undefined) {
      if (!serveNonResource(req, res, url)) notFoundPage(res);
      return;
    }
    if (info.resource === undefined) {
      if (req.method !== 'GET') return void sendError(res, methodNotAllowed(), () => undefined);
      if (!serveGroupVersion(res, info.group, info.version)) notFoundPage(res);
      return;
    }
    if (isWatch) {
      watches.inc({ resource });
      res.on('close', () => watches.dec({ resource }));
    }
    serveResource(ctx, req, res, info, url.searchParams).catch((err: unknown) => {
      sendError(res, err, (e) => o.log.error({ err: e, method: req.method, url: req.url }, 'request failed'));
    });
  });
  server.on('upgrade', streaming.upgrade);
  server.on('close', () => streaming.close());
  return server;
}
