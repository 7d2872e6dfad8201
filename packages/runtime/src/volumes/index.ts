export { makeEmptyDir, type EmptyDirOptions } from './empty-dir.js';
export { writeAtomicDir, type AtomicFile } from './atomic-writer.js';
export { checkHostPath, type HostPathType } from './host-path.js';
export { unmountUnder, mountAt, readMounts, parseMountInfo, type MountInfo } from './mounts.js';
