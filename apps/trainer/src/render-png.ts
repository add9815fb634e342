import { Resvg } from '@resvg/resvg-js';

/**
 * Renders an SVG string to PNG bytes (white background, 2× scale for sharp text).
 */
export function svgToPng(svg: string): Uint8Array {
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: 2 },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}
