import { T, type TypeRef } from '../dsl.js';

/** Names and the embedded-struct encoding shared by the core/v1 type files. */
export const CORE = 'io.k8s.api.core.v1';

export const core = (name: string): string => `${CORE}.${name}`;

/** A reference to a core/v1 struct by its short name. */
export const coreRef = (name: string): TypeRef => T.ref(core(name));

/**
 * Go embeds a few structs with `json:",inline"` (Volume's VolumeSource, Probe's ProbeHandler,
 * EphemeralContainer's EphemeralContainerCommon, the selectors' LocalObjectReference): JSON lifts
 * their fields into the outer object while protobuf keeps them nested under one field of the
 * outer message. The DSL has no word for that, so a lifted field's `proto` carries both numbers:
 * `embedded(outer, inner)`. A protobuf decoder that splits such a number reads outer field
 * `outer` as a message and its field `inner` as this JSON field. Real field numbers stay far
 * below EMBED_BASE (the largest in core/v1 is 42), so the two never collide.
 */
export const EMBED_BASE = 1000;

export function embedded(outer: number, inner: number): number {
  return outer * EMBED_BASE + inner;
}

/** The inverse of `embedded`: undefined for an ordinary field number. */
export function splitEmbedded(proto: number): { outer: number; inner: number } | undefined {
  if (proto < EMBED_BASE) return undefined;
  return { outer: Math.floor(proto / EMBED_BASE), inner: proto % EMBED_BASE };
}
