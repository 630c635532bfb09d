// A clip's thumbnail, drawn into a canvas of the size it is shown at.
//
// Why not an <img>: Chromium keeps every picture an <img> ever showed in its decoded-image cache at
// full size (~230 kB for a 320×180 JPEG) until the cache's budget (~128 MB) is full, long after the
// element is gone. The station's Today panel shows a new clip after every order, so over a day the
// page grew by that budget; a customer-service agent paging through results does the same. A canvas
// holds only its own few kB of pixels, freed with the element, and the decoded picture is closed as
// soon as it is drawn.
import { useEffect, useRef, useState, type CSSProperties } from 'react';
import { coverRect } from './coverRect.ts';

type ThumbState = 'loading' | 'shown' | 'failed';

export interface ThumbProps {
  /** Same-origin URL of the JPEG (the station's /media/thumbs/…, the console's …/thumb). */
  src: string;
  /** CSS pixels, as shown. */
  width: number;
  height: number;
  className?: string;
  style?: CSSProperties;
  testId?: string;
}

export function Thumb({ src, width, height, className, style, testId }: ThumbProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [state, setState] = useState<ThumbState>('loading');
  const dpr = window.devicePixelRatio || 1;
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const aborted = new AbortController();
    setState('loading');
    canvas.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
    const draw = async (): Promise<void> => {
      const res = await fetch(src, { signal: aborted.signal, credentials: 'same-origin' });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const picture = await createImageBitmap(await res.blob());
      try {
        if (aborted.signal.aborted) return;
        const ctx = canvas.getContext('2d');
        if (!ctx) throw new Error('no 2d context');
        ctx.imageSmoothingQuality = 'high';
        const r = coverRect(canvas.width, canvas.height, picture.width, picture.height);
        ctx.drawImage(picture, r.x, r.y, r.w, r.h);
      } finally {
        picture.close();
      }
      setState('shown');
    };
    // Fetched once it comes near the view, as loading="lazy" did: a long result list costs nothing below the fold.
    const seen = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        seen.disconnect();
        draw().catch(() => {
          if (!aborted.signal.aborted) setState('failed');
        });
      },
      { rootMargin: '200px' },
    );
    seen.observe(canvas);
    return () => {
      seen.disconnect();
      aborted.abort();
    };
  }, [src]);
  return (
    <canvas
      ref={ref}
      width={Math.round(width * dpr)}
      height={Math.round(height * dpr)}
      style={{ width, height, ...style }}
      className={className}
      aria-hidden="true"
      data-testid={testId}
      data-state={state}
    />
  );
}
