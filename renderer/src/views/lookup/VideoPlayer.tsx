// The evidence player: the picture on top, the controls under it, never over it. The burned-in
// band (order code, time, station, frame counter) is the bottom strip of every frame, exactly where
// a browser's own controls sit while paused, so this player draws its own: play, frame step, slow
// motion, and zoom to read a label or the band.
import { useCallback, useEffect, useRef, useState } from 'react';
import { Select, Slider } from 'antd';
import { useTranslation } from 'react-i18next';

const RATES = [0.25, 0.5, 1, 2] as const;
const ZOOMS = [1, 2, 4] as const;

function clock(s: number): string {
  if (!Number.isFinite(s)) return '0:00.0';
  const m = Math.floor(s / 60);
  const rest = s - m * 60;
  return `${m}:${rest.toFixed(1).padStart(4, '0')}`;
}

/** A small antd Select of multipliers; each option carries the test id `<testId>-<value>`. */
function Picker({
  testId,
  label,
  value,
  values,
  onChange,
}: {
  testId: string;
  label: string;
  value: number;
  values: readonly number[];
  onChange: (v: number) => void;
}) {
  return (
    <Select<number>
      value={value}
      onChange={onChange}
      virtual={false}
      popupMatchSelectWidth={false}
      aria-label={label}
      data-testid={testId}
      options={values.map((v) => ({ value: v, label: `${v}×`, 'data-testid': `${testId}-${v}` }))}
    />
  );
}

export function VideoPlayer({ src, fps, testId = 'player-video' }: { src: string; fps: number; testId?: string }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [playing, setPlaying] = useState(false);
  const [at, setAt] = useState(0);
  const [duration, setDuration] = useState(0);
  const [rate, setRate] = useState<number>(1);
  const [zoom, setZoom] = useState<number>(1);
  // Where the zoom looks, in % of the picture: the band (bottom left) until the user picks a spot.
  const [focus, setFocus] = useState({ x: 20, y: 96 });

  useEffect(() => {
    const v = video.current;
    if (!v) return;
    const sync = () => {
      setPlaying(!v.paused && !v.ended);
      setAt(v.currentTime);
      if (Number.isFinite(v.duration)) setDuration(v.duration);
    };
    const events = ['play', 'pause', 'ended', 'timeupdate', 'seeked', 'loadedmetadata', 'durationchange'] as const;
    for (const e of events) v.addEventListener(e, sync);
    return () => {
      for (const e of events) v.removeEventListener(e, sync);
    };
  }, [src]);

  useEffect(() => {
    if (video.current) video.current.playbackRate = rate;
  }, [rate, src]);

  const toggle = useCallback(() => {
    const v = video.current;
    if (!v) return;
    if (v.paused || v.ended) void v.play().catch(() => {});
    else v.pause();
  }, []);

  /** One frame back or forward: pauses first, so the frame stays on screen to be read. */
  const step = useCallback(
    (frames: number) => {
      const v = video.current;
      if (!v) return;
      v.pause();
      const end = Number.isFinite(v.duration) ? v.duration : Infinity;
      v.currentTime = Math.min(end, Math.max(0, v.currentTime + frames / fps));
    },
    [fps],
  );

  const onKey = (e: React.KeyboardEvent) => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
    // The position Slider's handle steps by itself with the arrow keys (a frame each).
    if (e.target instanceof HTMLElement && e.target.getAttribute('role') === 'slider' && e.key.startsWith('Arrow')) return;
    if (e.key === ' ' || e.key === 'k') toggle();
    else if (e.key === ',' || e.key === 'ArrowLeft') step(-1);
    else if (e.key === '.' || e.key === 'ArrowRight') step(1);
    else if (e.key === '+' || e.key === '=') setZoom((z) => ZOOMS[Math.min(ZOOMS.length - 1, ZOOMS.indexOf(z as 1) + 1)]!);
    else if (e.key === '-') setZoom((z) => ZOOMS[Math.max(0, ZOOMS.indexOf(z as 1) - 1)]!);
    else return;
    e.preventDefault();
  };

  const pick = (e: React.MouseEvent<HTMLDivElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    // With zoom on, a click moves where it looks; without, it plays or pauses as players do.
    if (zoom === 1) return toggle();
    setFocus({ x: ((e.clientX - r.left) / r.width) * 100, y: ((e.clientY - r.top) / r.height) * 100 });
  };

  return (
    <div className="video-player" onKeyDown={onKey} data-testid="video-player">
      <div className="video-frame" onClick={pick} data-zoom={zoom}>
        <video
          ref={video}
          key={src}
          src={src}
          preload="metadata"
          playsInline
          data-testid={testId}
          style={{ transform: zoom === 1 ? undefined : `scale(${zoom})`, transformOrigin: `${focus.x}% ${focus.y}%` }}
        />
      </div>
      <div className="video-controls" role="toolbar" aria-label={t('player.controls')}>
        <button type="button" onClick={toggle} data-testid="player-play" aria-label={playing ? t('player.pause') : t('player.play')}>
          {playing ? '❚❚' : '▶'}
        </button>
        <button type="button" onClick={() => step(-1)} data-testid="player-prev-frame" title={t('player.prevFrame')} aria-label={t('player.prevFrame')}>
          ◀|
        </button>
        <button type="button" onClick={() => step(1)} data-testid="player-next-frame" title={t('player.nextFrame')} aria-label={t('player.nextFrame')}>
          |▶
        </button>
        {/* Ant Design's Slider: arrow keys step a frame, Home/End go to either end, the time is announced. */}
        <div className="video-seek" data-testid="player-seek">
          <Slider
            min={0}
            max={duration || 0}
            step={1 / fps}
            value={Math.min(at, duration || 0)}
            onChange={(v) => {
              if (video.current) video.current.currentTime = v;
            }}
            tooltip={{ formatter: (v) => clock(v ?? 0) }}
            ariaLabelForHandle={t('player.position')}
            ariaValueTextFormatterForHandle={(v) => clock(v ?? 0)}
          />
        </div>
        <span className="video-time mono" data-testid="player-time">
          {clock(at)} / {clock(duration)}
        </span>
        {/* Ant Design Selects, not native ones: they open below the controls, read the same in both
            languages, and the arrow keys and Enter choose. */}
        <label>
          {t('player.speed')} <Picker testId="player-rate" label={t('player.speed')} value={rate} values={RATES} onChange={setRate} />
        </label>
        <label>
          {t('player.zoom')} <Picker testId="player-zoom" label={t('player.zoom')} value={zoom} values={ZOOMS} onChange={setZoom} />
        </label>
        {zoom > 1 && <span className="video-hint">{t('player.zoomHint')}</span>}
      </div>
    </div>
  );
}
