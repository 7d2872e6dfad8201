export { type DefaultImagesOptions } from './defaults.js';
export { ImageCatalog, type ResolvedImage, type ImageConfig, type ImageEntry, type ImageBuilder, type StaticImage, type BuildContext } from './catalog.js';
export { ImagePullError, type ImagePullReason } from './errors.js';
export { parseImageRef, canonicalImageName, type ImageRef } from './reference.js';
export { IMAGE_PATH } from './programs.js';
export { containerArgv, imageEnv } from './container-command.js';
