/**
 * The schema language: one declaration per Kubernetes type, from which validation, defaulting,
 * OpenAPI, strategic merge patch and protobuf decoding are all derived. A declaration mirrors
 * the Go struct in k8s.io/api: JSON names, types, the `generated.proto` field numbers, and the
 * `patchStrategy`/`patchMergeKey`/`listType` markers.
 */

/**
 * Leaf types, by how Kubernetes encodes them:
 * - `bytes`: base64 string in JSON, length-delimited in protobuf (Secret.data).
 * - `time`: RFC 3339 seconds in JSON; protobuf message {1 seconds, 2 nanos}.
 * - `microtime`: RFC 3339 with microseconds; same protobuf message.
 * - `quantity`: "100m", "1Gi" (or a JSON number); protobuf message {1 string}.
 * - `int-or-string`: 8080 or "http"; protobuf message {1 type, 2 intVal, 3 strVal}.
 * - `raw`: any JSON value (RawExtension, JSON); protobuf message {1 raw bytes}.
 */
export type Scalar =
  | 'string'
  | 'int32'
  | 'int64'
  | 'double'
  | 'boolean'
  | 'bytes'
  | 'time'
  | 'microtime'
  | 'quantity'
  | 'int-or-string'
  | 'raw';

export type TypeRef =
  | { readonly t: 'scalar'; readonly scalar: Scalar; readonly enum?: readonly string[] }
  | { readonly t: 'struct'; readonly name: string }
  | { readonly t: 'list'; readonly items: TypeRef }
  | { readonly t: 'map'; readonly values: TypeRef };

export type PatchStrategy = 'merge' | 'replace' | 'retainKeys' | 'merge,retainKeys';

export interface FieldDef {
  readonly type: TypeRef;
  /**
   * Field number in Kubernetes' generated.proto for this message. A field lifted from a Go
   * struct embedded inline has `outer * 1000 + inner`: the embedded message's number in this
   * message, then the field's number inside it.
   */
  readonly proto: number;
  /** Rejected when absent (validation reports `Required value`). */
  readonly required?: boolean;
  /**
   * A Go pointer (`*int32`, `*bool`, …): a zero value is meaningful and kept when decoding
   * protobuf. Non-pointer omitempty fields drop zero values, as Go's JSON encoder does.
   */
  readonly pointer?: boolean;
  /** Set by defaulting when the field is absent. Complex defaults live in kind strategies. */
  readonly default?: unknown;
  readonly patchStrategy?: PatchStrategy;
  readonly patchMergeKey?: string;
  readonly listType?: 'atomic' | 'set' | 'map';
  readonly listMapKeys?: readonly string[];
  readonly description?: string;
}

export interface StructDef {
  /** OpenAPI definition name, e.g. `io.k8s.api.core.v1.Pod`. */
  readonly name: string;
  readonly fields: Readonly<Record<string, FieldDef>>;
  /**
   * Carries TypeMeta: `kind` and `apiVersion` in JSON (implicit, not declared in `fields`), which
   * protobuf moves to the runtime.Unknown envelope. True for every resource kind and List.
   */
  readonly typeMeta?: boolean;
  readonly description?: string;
}

const scalar = (s: Scalar): TypeRef => ({ t: 'scalar', scalar: s });

/** Type constructors, so declarations read like the Go structs they mirror. */
export const T = {
  string: scalar('string'),
  int32: scalar('int32'),
  int64: scalar('int64'),
  double: scalar('double'),
  boolean: scalar('boolean'),
  bytes: scalar('bytes'),
  time: scalar('time'),
  microtime: scalar('microtime'),
  quantity: scalar('quantity'),
  intOrString: scalar('int-or-string'),
  raw: scalar('raw'),
  enumOf: (...values: string[]): TypeRef => ({ t: 'scalar', scalar: 'string', enum: values }),
  ref: (name: string): TypeRef => ({ t: 'struct', name }),
  list: (items: TypeRef): TypeRef => ({ t: 'list', items }),
  map: (values: TypeRef): TypeRef => ({ t: 'map', values }),
  stringMap: { t: 'map', values: scalar('string') } as TypeRef,
} as const;

/** One field: `f(3, T.string)`, `f(7, T.list(T.ref(EnvVar)), { patchMergeKey: 'name', patchStrategy: 'merge' })`. */
export function f(proto: number, type: TypeRef, opts: Omit<FieldDef, 'type' | 'proto'> = {}): FieldDef {
  return { type, proto, ...opts };
}

export function struct(name: string, fields: Record<string, FieldDef>, opts: { typeMeta?: boolean; description?: string } = {}): StructDef {
  return { name, fields, ...opts };
}

/** A top-level object: TypeMeta implicit, `metadata` first (proto 1) as in every Kubernetes kind. */
export function kindStruct(name: string, fields: Record<string, FieldDef>, description?: string): StructDef {
  return struct(name, fields, description === undefined ? { typeMeta: true } : { typeMeta: true, description });
}

/** A list whose elements merge by key, the way `patchStrategy:"merge" patchMergeKey:"k"` lists do. */
export function mergeList(proto: number, items: TypeRef, key: string, opts: Omit<FieldDef, 'type' | 'proto'> = {}): FieldDef {
  return f(proto, T.list(items), { patchStrategy: 'merge', patchMergeKey: key, listType: 'map', listMapKeys: [key], ...opts });
}

/** Where struct declarations are looked up by name. Built explicitly by `defineTypes`. */
export class SchemaRegistry {
  private readonly structs = new Map<string, StructDef>();

  add(...defs: StructDef[]): this {
    for (const d of defs) {
      if (this.structs.has(d.name)) throw new Error(`schema: ${d.name} declared twice`);
      this.structs.set(d.name, d);
    }
    return this;
  }

  get(name: string): StructDef {
    const d = this.structs.get(name);
    if (d === undefined) throw new Error(`schema: unknown type ${name}`);
    return d;
  }

  has(name: string): boolean {
    return this.structs.has(name);
  }

  all(): IterableIterator<StructDef> {
    return this.structs.values();
  }

  /** Every struct reachable from a field refers to a declared struct; throws naming the first gap. */
  check(): void {
    const visit = (owner: string, field: string, t: TypeRef): void => {
      if (t.t === 'struct' && !this.structs.has(t.name)) throw new Error(`schema: ${owner}.${field} refers to undeclared ${t.name}`);
      if (t.t === 'list') visit(owner, field, t.items);
      if (t.t === 'map') visit(owner, field, t.values);
    };
    for (const d of this.structs.values()) {
      const numbers = new Set<number>();
      for (const [name, fd] of Object.entries(d.fields)) {
        if (numbers.has(fd.proto)) throw new Error(`schema: ${d.name}.${name} reuses proto field ${fd.proto}`);
        numbers.add(fd.proto);
        visit(d.name, name, fd.type);
      }
    }
  }
}
