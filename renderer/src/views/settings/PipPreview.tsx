// Where the second camera lands in the recorded frame, drawn with the same geometry the overlay
// worker uses (shared/pipGeometry.ts), over the live camera preview when there is one.
import { useTranslation } from 'react-i18next';
import { overlayGeometry } from '../../../../shared/overlayGeometry.ts';
import { pipRect, type PipCorner } from '../../../../shared/pipGeometry.ts';

export function PipPreview({ width, height, corner, scalePercent }: { width: number; height: number; corner: PipCorner; scalePercent: number }) {
  const { t } = useTranslation();
  const r = pipRect(width, height, 16 / 9, corner, scalePercent);
  const g = overlayGeometry(width, height);
  const pct = (v: number, of: number) => `${(v / of) * 100}%`;
  return (
    <div className="pip-preview" style={{ aspectRatio: `${width} / ${height}` }} data-testid="pip-preview" aria-label={t('settings.pipPreview')}>
      <span className="pip-main-label">{t('settings.pipMain')}</span>
      <div className="pip-inset" style={{ left: pct(r.x, width), top: pct(r.y, height), width: pct(r.width, width), height: pct(r.height, height) }}>
        {t('settings.pipSecond')}
      </div>
      <div className="pip-band" style={{ top: pct(g.bandTop, height), height: pct(g.bandHeight, height) }}>
        ORDER · 2026-01-01 12:00:00 · {t('settings.station')}
      </div>
    </div>
  );
}
