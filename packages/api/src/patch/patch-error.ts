/**
 * Why a patch could not be applied, classified the way the Kubernetes apiserver answers it:
 * - `BadRequest` (400): the patch document itself is malformed (not a list of operations, a
 *   `$setElementOrder` that is not a list, …).
 * - `Invalid` (422): the patch is well formed but does not apply to this object (a failing
 *   `test`, a path that does not exist, a list element without its merge key).
 * - `RequestEntityTooLarge` (413): more JSON Patch operations than the apiserver accepts.
 *
 * The message is the detailed one (naming the operation and path); the real apiserver hides
 * json-patch details behind "the server rejected our request due to an error in our request",
 * so the HTTP edge decides how much of it to show.
 */
export type PatchErrorReason = 'BadRequest' | 'Invalid' | 'RequestEntityTooLarge';

const CODES: Record<PatchErrorReason, number> = { BadRequest: 400, Invalid: 422, RequestEntityTooLarge: 413 };

export class PatchError extends Error {
  override name = 'PatchError';
  readonly code: number;

  constructor(
    message: string,
    readonly reason: PatchErrorReason = 'Invalid',
  ) {
    super(message);
    this.code = CODES[reason];
  }
}
