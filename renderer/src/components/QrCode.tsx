// A QR code as an <img> (data: URL, allowed by the page's CSP), rendered by the qrcode package.
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';

export function QrCode({ text, size = 160, testid }: { text: string; size?: number; testid?: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    // Margin 4 modules: the quiet zone scanners need; 'M' survives a smudged print.
    QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 4, width: size * 2 }).then(
      (url) => live && setSrc(url),
      () => live && setSrc(null),
    );
    return () => {
      live = false;
    };
  }, [text, size]);
  return src ? (
    <img src={src} width={size} height={size} alt={text} data-testid={testid} data-payload={text} />
  ) : (
    <span style={{ display: 'inline-block', width: size, height: size }} />
  );
}
