// The trim range chosen on a bar for the whole clip: two handles (an Ant Design range Slider: arrow
// keys, Home/End, announced by screen readers with the time), the chosen part highlighted, the
// player's position as a marker on the bar above them. Moving a handle shows that frame in the player, so the person sees exactly
// where the cut falls. The range lives in ExportPanel's `from`/`to` seconds strings ('' = clip edge),
// which the number inputs edit too; this bar only reads and writes them.
import { Slider } from 'antd';
import { useTranslation } from 'react-i18next';
import { mmssTenths } from '../../format.ts';
import { msAtClick, seek, usePlayerMs } from './player.ts';

/** Handles stay at least this far apart, so the range always holds frames to export. */
const MIN_GAP_MS = 500;
const STEP_MS = 100;

const parsedMs = (v: string): number | null => (v.trim() === '' || !Number.isFinite(Number(v)) ? null : Number(v) * 1000);
const fixed = (ms: number): string => (ms / 1000).toFixed(1);

export function TrimTimeline({
  clipId,
  durationMs,
  from,
  to,
  setFrom,
  setTo,
}: {
  clipId: string;
  durationMs: number;
  from: string;
  to: string;
  setFrom: (v: string) => void;
  setTo: (v: string) => void;
}) {
  const { t } = useTranslation();
  const playerMs = usePlayerMs(clipId);
  // A range input only reaches whole steps, so its top is the last 0.1 s step inside the clip; the
  // end handle there means "to the clip's real end" and leaves `to` empty.
  const topMs = Math.floor(durationMs / STEP_MS) * STEP_MS;
  const usable = topMs >= MIN_GAP_MS;
  const clamp = (ms: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, ms));
  const endMs = clamp(parsedMs(to) ?? durationMs, Math.min(MIN_GAP_MS, durationMs), durationMs);
  const startMs = clamp(parsedMs(from) ?? 0, 0, Math.max(0, endMs - MIN_GAP_MS));
  const pct = (ms: number) => `${(durationMs > 0 ? clamp(ms / durationMs, 0, 1) : 0) * 100}%`;

  const moveStart = (sec: number) => {
    const ms = clamp(Math.round(sec * 1000), 0, Math.floor((endMs - MIN_GAP_MS) / STEP_MS) * STEP_MS);
    setFrom(fixed(ms));
    seek(ms);
  };
  const moveEnd = (sec: number) => {
    const ms = clamp(Math.round(sec * 1000), Math.ceil((startMs + MIN_GAP_MS) / STEP_MS) * STEP_MS, topMs);
    setTo(ms >= topMs ? '' : fixed(ms));
    seek(ms >= topMs ? durationMs : ms);
  };
  const shown = [startMs / 1000, Math.min(endMs, topMs) / 1000];
  // The Slider gives both values sorted, so a handle pushed past the other swaps places: the handle
  // that moved is the one whose value is gone, and its new value is the one that was not there.
  const onSlide = (v: number[]) => {
    const same = (x: number, y: number) => Math.abs(x - y) < 1e-6;
    const has = (x: number) => v.some((y) => same(x, y));
    const [s, e] = [shown[0]!, shown[1]!];
    if (!has(s)) moveStart(v.find((y) => !same(y, e)) ?? s);
    else if (!has(e)) moveEnd(v.find((y) => !same(y, s)) ?? e);
  };
  // Clicks on the bar itself (the handles' tracks let clicks through) move the player there.
  const seekAtClick = (e: React.MouseEvent<HTMLDivElement>) => {
    const at = msAtClick(e, durationMs);
    if (at !== null) seek(at);
  };

  return (
    <div className="trim" data-testid="trim-timeline">
      <div className="trim-bar">
        <div className="trim-track" onClick={seekAtClick} title={t('exportPanel.trimSeek')} data-testid="trim-track">
          <div className="trim-chosen" style={{ left: pct(startMs), width: `calc(${pct(endMs)} - ${pct(startMs)})` }} />
          {playerMs !== null && <div className="trim-playhead" style={{ left: pct(playerMs) }} data-testid="trim-playhead" />}
        </div>
      </div>
      <div className="trim-slider" data-testid="trim-slider">
        <Slider
          range
          min={0}
          max={topMs / 1000}
          step={STEP_MS / 1000}
          value={shown}
          disabled={!usable}
          onChange={onSlide}
          tooltip={{ formatter: (v) => mmssTenths((v ?? 0) * 1000) }}
          ariaLabelForHandle={[t('exportPanel.trimStartHandle'), t('exportPanel.trimEndHandle')]}
          ariaValueTextFormatterForHandle={[(v) => mmssTenths((v ?? 0) * 1000), (v) => mmssTenths((v ?? 0) * 1000)]}
        />
      </div>
      <div className="trim-labels">
        <span data-testid="trim-start-label">{t('exportPanel.trimStart', { time: mmssTenths(startMs) })}</span>
        <strong data-testid="trim-length">{t('exportPanel.trimLength', { time: mmssTenths(endMs - startMs) })}</strong>
        <span data-testid="trim-end-label">{t('exportPanel.trimEnd', { time: mmssTenths(endMs) })}</span>
        <button
          type="button"
          onClick={() => {
            setFrom('');
            setTo('');
          }}
          disabled={from === '' && to === ''}
          data-testid="trim-whole"
        >
          {t('exportPanel.trimWhole')}
        </button>
      </div>
    </div>
  );
}
