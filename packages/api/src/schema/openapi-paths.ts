/**
 * The `paths` of an OpenAPI v3 group/version document, shaped as the apiserver publishes them.
 * kubectl reads them to decide whether the server validates fields itself: it looks for the
 * PATCH operation carrying the object's `x-kubernetes-group-version-kind` and a `fieldValidation`
 * query parameter, then sends `fieldValidation=Strict` instead of validating client-side.
 */
import type { KindDef } from './kinds.js';

export type Schema = Record<string, unknown>;

export interface GroupVersionKind {
  readonly group: string;
  readonly kind: string;
  readonly version: string;
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const STATUS = `${META}.Status`;
export const DELETE_OPTIONS = `${META}.DeleteOptions`;
export const PATCH = `${META}.Patch`;
export const SCALE = 'io.k8s.api.autoscaling.v1.Scale';
export const SCALE_GVK: GroupVersionKind = { group: 'autoscaling', kind: 'Scale', version: 'v1' };

/** `io.k8s.api.core.v1.Pod` → `io.k8s.api.core.v1.PodList`, as Kubernetes names list types. */
export const listTypeName = (type: string): string => `${type}List`;

/** The URL path of a group/version without its leading slash: `api/v1`, `apis/apps/v1`. */
export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

const ref = (name: string): string => `#/components/schemas/${name}`;
const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** How operation ids and tags spell a group: `Core`, `Apps`, `Coordination`, `RbacAuthorization`. */
function groupWord(group: string): string {
  if (group === '') return 'Core';
  return group.replace(/\.k8s\.io$/, '').split(/[.-]/).map(cap).join('');
}

const query = (name: string, type: string, description: string): Schema => ({ name, in: 'query', description, schema: { type, uniqueItems: true } });
const pathParam = (name: string, description: string): Schema => ({ name, in: 'path', required: true, description, schema: { type: 'string', uniqueItems: true } });

const P = {
  pretty: query('pretty', 'string', "If 'true', then the output is pretty printed."),
  dryRun: query('dryRun', 'string', 'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed'),
  fieldManager: query('fieldManager', 'string', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  fieldValidation: query(
    'fieldValidation',
    'string',
    'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: unknown fields are dropped silently. - Warn: each unknown field is dropped with a warning. - Strict: the request fails with a BadRequest error naming every unknown field.',
  ),
  force: query('force', 'boolean', 'Force is going to "force" Apply requests: the caller re-acquires fields owned by other managers. Must be unset for non-apply patches.'),
  gracePeriodSeconds: query('gracePeriodSeconds', 'integer', 'The duration in seconds before the object should be deleted. Zero means delete immediately.'),
  orphanDependents: query('orphanDependents', 'boolean', 'Deprecated: use propagationPolicy. Whether dependent objects are orphaned.'),
  propagationPolicy: query('propagationPolicy', 'string', "Whether and how garbage collection will be performed: 'Orphan', 'Background' or 'Foreground'."),
  allowWatchBookmarks: query('allowWatchBookmarks', 'boolean', 'allowWatchBookmarks requests watch events with type "BOOKMARK".'),
  continue: query('continue', 'string', 'The continue token from a previous list call with the same query, to fetch the next page.'),
  fieldSelector: query('fieldSelector', 'string', 'A selector to restrict the list of returned objects by their fields. Defaults to everything.'),
  labelSelector: query('labelSelector', 'string', 'A selector to restrict the list of returned objects by their labels. Defaults to everything.'),
  limit: query('limit', 'integer', 'limit is a maximum number of responses to return for a list call; the rest is fetched with `continue`.'),
  resourceVersion: query('resourceVersion', 'string', 'resourceVersion sets a constraint on what resource versions a request may be served from.'),
  resourceVersionMatch: query('resourceVersionMatch', 'string', 'resourceVersionMatch determines how resourceVersion is applied to list calls.'),
  sendInitialEvents: query('sendInitialEvents', 'boolean', 'With watch=true, begin the stream with synthetic events for the current state of the collection.'),
  timeoutSeconds: query('timeoutSeconds', 'integer', 'Timeout for the list/watch call.'),
  watch: query('watch', 'boolean', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.'),
};

const LIST_PARAMS = [P.allowWatchBookmarks, P.continue, P.fieldSelector, P.labelSelector, P.limit, P.resourceVersion, P.resourceVersionMatch, P.sendInitialEvents, P.timeoutSeconds, P.watch];
const WRITE_PARAMS = [P.dryRun, P.fieldManager, P.fieldValidation];
const PATCH_PARAMS = [...WRITE_PARAMS, P.force];
const DELETE_PARAMS = [P.dryRun, P.gracePeriodSeconds, P.orphanDependents, P.propagationPolicy];
const DELETE_COLLECTION_PARAMS = [
  P.continue,
  P.dryRun,
  P.fieldSelector,
  P.gracePeriodSeconds,
  P.labelSelector,
  P.limit,
  P.orphanDependents,
  P.propagationPolicy,
  P.resourceVersion,
  P.resourceVersionMatch,
  P.sendInitialEvents,
  P.timeoutSeconds,
];

const OBJECT_MEDIA = ['application/json', 'application/vnd.kubernetes.protobuf', 'application/yaml'];
const LIST_MEDIA = [...OBJECT_MEDIA, 'application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'];
export const PATCH_MEDIA = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];

const RESPONSE_TEXT: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted' };

const content = (schemaName: string, media: readonly string[]): Schema => Object.fromEntries(media.map((m) => [m, { schema: { $ref: ref(schemaName) } }]));

interface OpOptions {
  readonly id: string;
  readonly description: string;
  readonly action: 'get' | 'list' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection';
  readonly gvk: GroupVersionKind;
  readonly tag: string;
  readonly params: readonly Schema[];
  /** Request body schema by media type; required unless it is DeleteOptions. */
  readonly body?: { readonly media: readonly string[]; readonly schema: string; readonly required: boolean };
  /** Response status codes, all with the same schema. */
  readonly codes: readonly string[];
  readonly response: string;
  readonly responseMedia?: readonly string[];
}

function operation(o: OpOptions): Schema {
  const responses: Schema = { '401': { description: 'Unauthorized' } };
  for (const code of o.codes) responses[code] = { description: RESPONSE_TEXT[code], content: content(o.response, o.responseMedia ?? OBJECT_MEDIA) };
  const op: Schema = {
    description: o.description,
    operationId: o.id,
    responses,
    tags: [o.tag],
    'x-kubernetes-action': o.action,
    'x-kubernetes-group-version-kind': { group: o.gvk.group, kind: o.gvk.kind, version: o.gvk.version },
  };
  if (o.params.length > 0) op.parameters = o.params;
  if (o.body !== undefined) op.requestBody = o.body.required ? { content: content(o.body.schema, o.body.media), required: true } : { content: content(o.body.schema, o.body.media) };
  return op;
}

/** read/replace/patch on an object or one of its subresources (`Status`, `Scale` suffixes). */
function itemOps(base: { id: string; tag: string; what: string; kind: string }, schema: string, gvk: GroupVersionKind): Schema {
  const common = { tag: base.tag, gvk };
  return {
    get: operation({ ...common, id: `read${base.id}`, description: `read ${base.what}${base.kind}`, action: 'get', params: [], codes: ['200'], response: schema }),
    put: operation({
      ...common,
      id: `replace${base.id}`,
      description: `replace ${base.what}${base.kind}`,
      action: 'put',
      params: WRITE_PARAMS,
      body: { media: ['*/*'], schema, required: true },
      codes: ['200', '201'],
      response: schema,
    }),
    patch: operation({
      ...common,
      id: `patch${base.id}`,
      description: `partially update ${base.what}${base.kind}`,
      action: 'patch',
      params: PATCH_PARAMS,
      body: { media: PATCH_MEDIA, schema: PATCH, required: true },
      codes: ['200', '201'],
      response: schema,
    }),
  };
}

/**
 * Every path of one kind: its collection (list, create, delete collection), its items (read,
 * replace, patch, delete), the all-namespaces list of a namespaced kind, and the `status`,
 * `finalize` and `scale` subresources it has (`scale` only when `withScale`, i.e. the Scale
 * type is declared).
 */
export function kindPaths(k: KindDef, withScale: boolean): Record<string, Schema> {
  const prefix = `/${groupVersionPath(k.group, k.version)}`;
  const scope = k.namespaced ? 'Namespaced' : '';
  const idBase = `${groupWord(k.group)}${cap(k.version)}`;
  const tag = `${groupWord(k.group).charAt(0).toLowerCase()}${groupWord(k.group).slice(1)}_${k.version}`;
  const gvk: GroupVersionKind = { group: k.group, kind: k.kind, version: k.version };
  const list = listTypeName(k.type);
  const nsParams = k.namespaced ? [pathParam('namespace', 'object name and auth scope, such as for teams and projects')] : [];
  const itemParams = [pathParam('name', `name of the ${k.kind}`), ...nsParams, P.pretty];
  const collection = `${prefix}${k.namespaced ? '/namespaces/{namespace}' : ''}/${k.resource}`;
  const item = `${collection}/{name}`;
  const common = { tag, gvk };
  const deleteBody = { media: ['*/*'], schema: DELETE_OPTIONS, required: false };
  const listOp = (id: string): Schema =>
    operation({ ...common, id, description: `list or watch objects of kind ${k.kind}`, action: 'list', params: LIST_PARAMS, codes: ['200'], response: list, responseMedia: LIST_MEDIA });

  const paths: Record<string, Schema> = {
    [collection]: {
      parameters: [...nsParams, P.pretty],
      get: listOp(`list${idBase}${scope}${k.kind}`),
      post: operation({
        ...common,
        id: `create${idBase}${scope}${k.kind}`,
        description: `create a ${k.kind}`,
        action: 'post',
        params: WRITE_PARAMS,
        body: { media: ['*/*'], schema: k.type, required: true },
        codes: ['200', '201', '202'],
        response: k.type,
      }),
      delete: operation({
        ...common,
        id: `delete${idBase}Collection${scope}${k.kind}`,
        description: `delete collection of ${k.kind}`,
        action: 'deletecollection',
        params: DELETE_COLLECTION_PARAMS,
        body: deleteBody,
        codes: ['200'],
        response: STATUS,
      }),
    },
    [item]: {
      parameters: itemParams,
      ...itemOps({ id: `${idBase}${scope}${k.kind}`, tag, what: 'the specified ', kind: k.kind }, k.type, gvk),
      delete: operation({
        ...common,
        id: `delete${idBase}${scope}${k.kind}`,
        description: `delete a ${k.kind}`,
        action: 'delete',
        params: DELETE_PARAMS,
        body: deleteBody,
        codes: ['200', '202'],
        response: STATUS,
      }),
    },
  };
  if (k.namespaced) paths[`${prefix}/${k.resource}`] = { parameters: [P.pretty], get: listOp(`list${idBase}${k.kind}ForAllNamespaces`) };
  if (k.subresources.includes('status')) {
    paths[`${item}/status`] = { parameters: itemParams, ...itemOps({ id: `${idBase}${scope}${k.kind}Status`, tag, what: 'status of the specified ', kind: k.kind }, k.type, gvk) };
  }
  if (k.subresources.includes('finalize')) {
    // Kubernetes serves the namespace finalize subresource for replace only.
    const { put } = itemOps({ id: `${idBase}${scope}${k.kind}Finalize`, tag, what: 'finalize of the specified ', kind: k.kind }, k.type, gvk);
    paths[`${item}/finalize`] = { parameters: itemParams, put };
  }
  if (withScale && k.subresources.includes('scale')) {
    paths[`${item}/scale`] = { parameters: itemParams, ...itemOps({ id: `${idBase}${scope}${k.kind}Scale`, tag, what: 'scale of the specified ', kind: k.kind }, SCALE, SCALE_GVK) };
  }
  return paths;
}
