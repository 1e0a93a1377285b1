// What pages need to show a photo — its sizes and its addresses — without loading the image library or
// the upload machinery.

/** The stored photo fits within this many pixels on its longer side. */
export const MAX_EDGE = 2048;
/** The thumbnail fits within this many pixels on its longer side. */
export const THUMBNAIL_EDGE = 400;

/**
 * The size of a photo's thumbnail: within THUMBNAIL_EDGE, same proportions, never enlarged. The
 * thumbnail is made at exactly this size, so pages can give <img> its width and height from the
 * photo's own (stored) dimensions.
 */
export function thumbnailSize(width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, THUMBNAIL_EDGE / Math.max(width, height));
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

/** Where a photo (or its thumbnail) is served (photoRoutes); a draft's photo needs the draft's token. */
export function photoUrl(id: string, options: { thumbnail?: boolean; draftToken?: string } = {}): string {
  const path = `/photos/${encodeURIComponent(id)}${options.thumbnail ? "/thumbnail" : ""}`;
  return options.draftToken ? `${path}?draft=${encodeURIComponent(options.draftToken)}` : path;
}
