import { ImagePullError } from './errors.js';
import { findProgram, IMAGE_PATH } from './programs.js';
import type { ImageRef } from './reference.js';

/** The node's program behind a default image, or an ErrImagePull that says what to install. */
export async function requireProgram(ref: ImageRef, program: string, debianPackage: string): Promise<string> {
  const found = await findProgram(program);
  if (found !== undefined) return found;
  throw new ImagePullError(
    ref.raw,
    `image "${ref.raw}" runs the node's ${program}, which is not installed (looked in ${IMAGE_PATH} and the kubelet's PATH; on Debian: apt-get install ${debianPackage})`,
  );
}
