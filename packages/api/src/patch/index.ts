export { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from './json-patch.js';
export { mergePatch } from './merge-patch.js';
export { strategicMerge } from './strategic-merge.js';
export { applyConfiguration } from './apply.js';
export { PatchError, type PatchErrorReason } from './patch-error.js';
export { deepEqual, isJsonObject, type JsonObject, type JsonValue } from './json.js';
