export type ImagePullReason = 'ErrImagePull' | 'InvalidImageName';

/** The image cannot be had on this node; `reason` is what the container status shows. */
export class ImagePullError extends Error {
  constructor(
    readonly image: string,
    message: string,
    readonly reason: ImagePullReason = 'ErrImagePull',
  ) {
    super(message);
    this.name = 'ImagePullError';
  }
}
