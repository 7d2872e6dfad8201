/**
 * API errors, classified where they arise and turned into a Kubernetes `Status` only at the
 * edge (REST handlers, gRPC handlers). Messages are Kubernetes' own wording: kubectl prints
 * them verbatim as `Error from server (<reason>): <message>`.
 */

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** A resource as error messages name it: `pods`, `deployments.apps`. */
export interface ResourceName {
  group: string;
  resource: string;
}

const qualified = (r: ResourceName): string => (r.group === '' ? r.resource : `${r.resource}.${r.group}`);

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): Status {
    const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, code: this.code };
    // A generic failure has no reason: kubectl then prints plain "Error from server: <message>".
    if (this.reason !== '') s.reason = this.reason;
    if (this.details !== undefined) s.details = this.details;
    return s;
  }
}

const details = (r: ResourceName, name: string): StatusDetails => (r.group === '' ? { name, kind: r.resource } : { name, group: r.group, kind: r.resource });

export const notFound = (r: ResourceName, name: string): ApiError => new ApiError(404, 'NotFound', `${qualified(r)} "${name}" not found`, details(r, name));

export const alreadyExists = (r: ResourceName, name: string): ApiError =>
  new ApiError(409, 'AlreadyExists', `${qualified(r)} "${name}" already exists`, details(r, name));

export const conflict = (r: ResourceName, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again'): ApiError =>
  new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(r)} "${name}": ${why}`, details(r, name));

/** 422: `Pod "x" is invalid: spec.containers[0].image: Required value`. */
export function invalid(kind: { group: string; kind: string }, name: string, causes: StatusCause[]): ApiError {
  const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const list = parts.length === 1 ? (parts[0] as string) : `[${parts.join(', ')}]`;
  const d: StatusDetails = { name, kind: kind.kind, causes };
  if (kind.group !== '') d.group = kind.group;
  return new ApiError(422, 'Invalid', `${kind.kind}${kind.group === '' ? '' : `.${kind.group}`} "${name}" is invalid: ${list}`, d);
}

export const badRequest = (message: string): ApiError => new ApiError(400, 'BadRequest', message);

export const forbidden = (r: ResourceName, name: string, why: string): ApiError =>
  new ApiError(403, 'Forbidden', `${qualified(r)} "${name}" is forbidden: ${why}`, details(r, name));

export const methodNotAllowed = (): ApiError => new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');

export const notAcceptable = (accepted: string[]): ApiError =>
  new ApiError(406, 'NotAcceptable', `only the following media types are accepted: ${accepted.join(', ')}`);

export const unsupportedMediaType = (got: string, accepted: string[]): ApiError =>
  new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format (${got}) - accepted media types include: ${accepted.join(', ')}`);

export const tooLarge = (limit: number): ApiError => new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);

/** 410 for a resourceVersion older than the history kept (watch or paginated list). */
export const expired = (message: string): ApiError => new ApiError(410, 'Expired', message);

export const tooManyRequests = (message: string): ApiError => new ApiError(429, 'TooManyRequests', message);

export const timeout = (message: string): ApiError => new ApiError(504, 'Timeout', message);

export const serviceUnavailable = (message: string): ApiError => new ApiError(503, 'ServiceUnavailable', message);

export const internal = (message: string): ApiError => new ApiError(500, 'InternalError', `Internal error occurred: ${message}`);

export const notImplemented = (message: string): ApiError => new ApiError(501, 'NotImplemented', message);
