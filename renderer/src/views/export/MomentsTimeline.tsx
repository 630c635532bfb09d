// The still frames of an image-only export (eBay and the like), chosen on a bar for the whole clip:
// a click on the bar adds a still there and shows that frame in the player; each chosen still is a
// mark that seeks there when clicked, moves with the arrow keys (0.1 s, 1 s with Shift) and goes
// away with Delete. Before anything is chosen, the frames the export would pick by itself are shown
// as hollow marks, so customer service sees what "automatic" means before deciding.
import { useLayoutEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { mmssTenths } from '../../format.ts';
import { msAtClick, seek, usePlayerMs } from './player.ts';

export const MAX_MOMENTS = 40;
const STEP_MS = 100;

export function MomentsTimeline({
  clipId,
  durationMs,
  moments,
  autoMoments,
  setMoments,
}: {
  clipId: string;
  durationMs: number;
  moments: number[];
  /** What the export picks when nothing is chosen (from export.plan). */
  autoMoments: number[];
  setMoments: (update: (list: number[]) => number[]) => void;
}) {
  const { t } = useTranslation();
  const playerAt = usePlayerMs(clipId);
  const track = useRef<HTMLDivElement>(null);
  // A mark moved by the keyboard keeps the focus, even when it passes another and the order changes.
  const focusMs = useRef<number | null>(null);
  useLayoutEffect(() => {
    if (focusMs.current === null) return;
    track.current?.querySelector<HTMLButtonElement>(`[data-ms="${focusMs.current}"]`)?.focus();
    focusMs.current = null;
  }, [moments]);
  const clamp = (ms: number) => Math.min(durationMs, Math.max(0, Math.round(ms / STEP_MS) * STEP_MS));
  const pct = (ms: number) => `${(durationMs > 0 ? Math.min(1, Math.max(0, ms / durationMs)) : 0) * 100}%`;
  const add = (ms: number) => setMoments((list) => [...new Set([...list, ms])].sort((a, b) => a - b).slice(0, MAX_MOMENTS));

  const addAtClick = (e: React.MouseEvent<HTMLDivElement>) => {
    const at = msAtClick(e, durationMs);
    if (at === null) return;
    add(clamp(at));
    seek(clamp(at));
  };
  const onMarkKey = (m: number) => (e: React.KeyboardEvent<HTMLButtonElement>) => {
    if (e.key === 'Delete' || e.key === 'Backspace') {
      e.preventDefault();
      setMoments((list) => list.filter((x) => x !== m));
      return;
    }
    const dir = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!dir) return;
    e.preventDefault();
    const to = clamp(m + dir * (e.shiftKey ? 1000 : STEP_MS));
    focusMs.current = to;
    setMoments((list) => [...new Set(list.map((x) => (x === m ? to : x)))].sort((a, b) => a - b));
    seek(to);
  };

  return (
    <div className="moments" data-testid="moments-timeline">
      <div className="moments-track" ref={track} onClick={addAtClick} title={t('exportPanel.momentsAdd')} data-testid="moments-track">
        {moments.length === 0 &&
          autoMoments.map((m) => <span key={`auto-${m}`} className="moment-auto" style={{ left: pct(m) }} title={mmssTenths(m)} data-testid="moment-auto" />)}
        {moments.map((m, i) => (
          <button
            type="button"
            // By place, not time: the button under the keyboard stays the same element as it moves.
            key={i}
            className="moment-mark"
            style={{ left: pct(m) }}
            onClick={(e) => {
              e.stopPropagation(); // a click on a mark shows its frame; it does not add another
              seek(m);
            }}
            onKeyDown={onMarkKey(m)}
            aria-label={t('exportPanel.momentMark', { time: mmssTenths(m) })}
            title={mmssTenths(m)}
            data-ms={m}
            data-testid="moment-mark"
          />
        ))}
        {playerAt !== null && <div className="trim-playhead" style={{ left: pct(playerAt) }} data-testid="moments-playhead" />}
      </div>
      <div className="trim-labels">
        <span data-testid="moments-summary">
          {moments.length ? t('exportPanel.momentsChosen', { count: moments.length }) : t('exportPanel.momentsAuto', { count: autoMoments.length })}
        </span>
        <button type="button" onClick={() => setMoments(() => [])} disabled={moments.length === 0} data-testid="moments-clear">
          {t('exportPanel.momentsClear')}
        </button>
      </div>
    </div>
  );
}
