import type { StructDef } from '../dsl.js';

/** batch/v1 Job and its parts. */
export const batchTypes: StructDef[] = [];
