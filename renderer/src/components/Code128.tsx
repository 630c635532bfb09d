// A Code 128 barcode as inline SVG (JsBarcode, pure JS). Code 128 carries ASCII only: a payload with
// other characters (a Chinese operator name) has no barcode, and the caller shows the QR code alone.
import JsBarcode from 'jsbarcode';
import { useLayoutEffect, useRef } from 'react';

export function code128Possible(text: string): boolean {
  return /^[\x20-\x7e]+$/.test(text);
}

export function Code128({ text, height = 60, testid }: { text: string; height?: number; testid?: string }) {
  const ref = useRef<SVGSVGElement>(null);
  useLayoutEffect(() => {
    if (ref.current && code128Possible(text)) {
      // width 2 px per module; a 10-module quiet zone each side as the standard asks.
      const svg = ref.current;
      JsBarcode(svg, text, { format: 'CODE128', width: 2, height, margin: 20, displayValue: false, background: '#ffffff', lineColor: '#000000' });
      // Scale to the space it has (a long payload on A4) instead of overflowing and being cut.
      const w = svg.getAttribute('width')?.replace('px', '');
      const h = svg.getAttribute('height')?.replace('px', '');
      if (w && h) {
        svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
        svg.setAttribute('preserveAspectRatio', 'xMinYMid meet');
        svg.removeAttribute('width');
        svg.removeAttribute('height');
        svg.style.width = '100%';
        svg.style.maxWidth = `${w}px`;
        svg.style.height = 'auto';
      }
    }
  }, [text, height]);
  return <svg ref={ref} data-testid={testid} data-payload={text} role="img" aria-label={text} />;
}
