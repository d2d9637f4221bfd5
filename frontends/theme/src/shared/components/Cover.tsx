/**
 * A cover image with the dimensions reserved before it loads (16:9, cropped to fit),
 * lazy below the fold, and a `srcset` when the address follows the convention of
 * sized files: `name-960w.webp` implies `name-480w.webp` and `name-1440w.webp` beside
 * it (the demo's covers, or any brand that uploads them so). Any other address is
 * used as it is.
 */
const SIZED = /^(.*-)(\d+)w\.(webp|avif|jpe?g|png)$/i;
export const COVER_WIDTHS = [480, 960, 1440] as const;

export function coverSources(url: string): { src: string; srcSet?: string } {
  const match = SIZED.exec(url);
  if (!match) return { src: url };
  const [, stem, , ext] = match;
  return {
    src: `${stem}960w.${ext}`,
    srcSet: COVER_WIDTHS.map((w) => `${stem}${w}w.${ext} ${w}w`).join(", "),
  };
}

export function Cover({
  url,
  sizes,
  eager = false,
  className = "cover",
}: {
  url: string;
  /** How wide the image is drawn, for the browser to pick a file (`sizes`). */
  sizes: string;
  /** Above the fold: load at once, with high priority (it is likely the LCP). */
  eager?: boolean;
  className?: string;
}) {
  const { src, srcSet } = coverSources(url);
  return (
    <img
      className={className}
      src={src}
      srcSet={srcSet}
      sizes={srcSet ? sizes : undefined}
      width={1440}
      height={810}
      alt=""
      loading={eager ? "eager" : "lazy"}
      decoding="async"
      fetchPriority={eager ? "high" : "auto"}
    />
  );
}
