// Settings → reading the label with the camera: off / the only input / beside a scanner, which
// symbologies, how often, whether showing the label again stops, and the read region, drawn by
// dragging on the station's live preview.
import { useEffect, useRef, useState, type PointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Settings } from '../../../../shared/contract.ts';
import { LABEL_FORMATS, type LabelFormat } from '../../../../shared/labelRules.ts';
import { useStation } from '../../station/StationContext.tsx';

type Box = [number, number, number, number];
const FORMAT_NAMES: Record<LabelFormat, string> = { Code128: 'Code 128', Code39: 'Code 39', QRCode: 'QR', DataMatrix: 'DataMatrix', PDF417: 'PDF417' };

export function LabelPanel({ draft, set }: { draft: Settings; set: <K extends keyof Settings>(k: K, v: Settings[K]) => void }) {
  const { t } = useTranslation();
  return (
    <fieldset className="carriers" data-testid="set-cameraReading-panel">
      <legend>{t('labelSettings.title')}</legend>
      {(['off', 'camera', 'beside'] as const).map((v) => (
        <label key={v} className="check">
          <input
            type="radio"
            name="cameraReading"
            checked={draft.cameraReading === v}
            onChange={() => set('cameraReading', v)}
            data-testid={`set-cameraReading-${v}`}
          />{' '}
          {t(`labelSettings.${v}`)}
        </label>
      ))}
      {draft.cameraReading !== 'off' && (
        <>
          <p className="muted">
            {t('labelSettings.formats')}: <small>{t('labelSettings.formatsHint')}</small>
          </p>
          {LABEL_FORMATS.map((f) => (
            <label key={f} className="check">
              <input
                type="checkbox"
                checked={draft.cameraFormats.includes(f)}
                data-testid={`set-cameraFormat-${f}`}
                onChange={(e) =>
                  set(
                    'cameraFormats',
                    e.target.checked ? LABEL_FORMATS.filter((x) => x === f || draft.cameraFormats.includes(x)) : draft.cameraFormats.filter((x) => x !== f),
                  )
                }
              />{' '}
              {FORMAT_NAMES[f]}
            </label>
          ))}
          <label className="check">
            {t('labelSettings.rate')}{' '}
            <input
              type="number"
              min={1}
              max={15}
              value={draft.cameraReadRate}
              onChange={(e) => set('cameraReadRate', Number(e.target.value))}
              data-testid="set-cameraReadRate"
            />
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={draft.cameraRepeatStops}
              onChange={(e) => set('cameraRepeatStops', e.target.checked)}
              data-testid="set-cameraRepeatStops"
            />{' '}
            {t('labelSettings.repeatStops')}
          </label>
          <RegionPicker region={draft.cameraReadRegion} aspect={`${draft.width} / ${draft.height}`} onChange={(r) => set('cameraReadRegion', r)} />
        </>
      )}
    </fieldset>
  );
}

function RegionPicker({ region, aspect, onChange }: { region: Box | null; aspect: string; onChange: (r: Box | null) => void }) {
  const { t } = useTranslation();
  const { snapshot } = useStation();
  const video = useRef<HTMLVideoElement>(null);
  const [drag, setDrag] = useState<{ x: number; y: number; box: Box } | null>(null);
  useEffect(() => {
    if (video.current) video.current.srcObject = snapshot.stream;
  }, [snapshot.stream]);
  const at = (e: PointerEvent<HTMLDivElement>): [number, number] => {
    const r = e.currentTarget.getBoundingClientRect();
    const clamp = (v: number) => Math.min(1, Math.max(0, v));
    return [clamp((e.clientX - r.left) / r.width), clamp((e.clientY - r.top) / r.height)];
  };
  const boxOf = (x0: number, y0: number, x1: number, y1: number): Box => {
    const r = (v: number) => Math.round(v * 1000) / 1000;
    return [r(Math.min(x0, x1)), r(Math.min(y0, y1)), r(Math.abs(x1 - x0)), r(Math.abs(y1 - y0))];
  };
  const shown = drag?.box ?? region;
  return (
    <div>
      <p className="muted">
        {t('labelSettings.region')}: {region ? region.map((v) => `${Math.round(v * 100)}%`).join(' ') : t('labelSettings.regionWhole')}{' '}
        {region && (
          <button type="button" onClick={() => onChange(null)} data-testid="region-clear">
            {t('labelSettings.regionClear')}
          </button>
        )}
      </p>
      <small className="muted">{t('labelSettings.regionDraw')}</small>
      <div
        className="preview"
        // The picture fills the box exactly, so fractions of the box are fractions of the frame.
        style={{ position: 'relative', maxWidth: 480, aspectRatio: aspect, touchAction: 'none', cursor: 'crosshair' }}
        data-testid="region-picker"
        onPointerDown={(e) => {
          const [x, y] = at(e);
          e.currentTarget.setPointerCapture(e.pointerId);
          setDrag({ x, y, box: [x, y, 0, 0] });
        }}
        onPointerMove={(e) => {
          if (!drag) return;
          const [x, y] = at(e);
          setDrag({ ...drag, box: boxOf(drag.x, drag.y, x, y) });
        }}
        onPointerUp={() => {
          if (drag && drag.box[2] > 0.05 && drag.box[3] > 0.05) onChange(drag.box);
          setDrag(null);
        }}
      >
        <video ref={video} autoPlay muted playsInline style={{ width: '100%', height: '100%', objectFit: 'fill', display: 'block' }} />
        {shown && (
          <div
            style={{
              position: 'absolute',
              left: `${shown[0] * 100}%`,
              top: `${shown[1] * 100}%`,
              width: `${shown[2] * 100}%`,
              height: `${shown[3] * 100}%`,
              outline: '3px solid #ffd400',
              pointerEvents: 'none',
            }}
          />
        )}
      </div>
    </div>
  );
}
