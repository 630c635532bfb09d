// One clip: what it is, the player (controls under the picture), its SHA-256; beside it the
// order's clips of the other mode (shipping and return side by side, each with its own player);
// verify on demand and legal hold for the roles that may.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, Button } from 'antd';
import type { ConsoleCall, ConsoleClip } from '../../../shared/consoleWire.ts';
import { VideoPlayer } from '../views/lookup/VideoPlayer.tsx';
import { mmss } from '../format.ts';
import { consoleApi } from './api.ts';
import { ClipVerify } from './ClipVerify.tsx';
import { ClipHold, HoldTag } from './ClipHold.tsx';
import { ClipExport } from './ClipExport.tsx';

const key = (c: Pick<ConsoleClip, 'station' | 'clipId'>) => `${c.station}/${c.clipId}`;

export function ClipPage({ station, clipId }: { station: string; clipId: string }) {
  const { t, i18n } = useTranslation();
  const [clip, setClip] = useState<ConsoleClip | null>(null);
  const [siblings, setSiblings] = useState<ConsoleClip[]>([]);
  const [calls, setCalls] = useState<ConsoleCall[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setClip(null);
    setSiblings([]);
    setError(null);
    let live = true;
    consoleApi.me().then(
      (me) => live && setCalls(me.calls),
      () => {},
    );
    consoleApi.clip(station, clipId).then(
      (a) => {
        if (!live) return;
        setClip(a.clip);
        // The order's other clips (its return, or its shipping clip), both modes, every station.
        consoleApi.search({ order: a.clip.order, limit: 20 }).then(
          (s) => live && setSiblings(s.clips.filter((c) => key(c) !== key(a.clip))),
          () => {},
        );
      },
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, [station, clipId]);

  const when = (ms: number) => new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(ms));
  const modeName = (m: string) => t(`console.mode.${m === 'returns' ? 'returns' : 'shipping'}`);
  const others = clip ? siblings.filter((c) => c.mode !== clip.mode) : [];
  const sideBySide = clip !== null && others.length > 0;
  // Shipping on the left, the return on the right, whichever was opened.
  const columns = clip ? [clip, ...others].sort((a, b) => Number(a.mode === 'returns') - Number(b.mode === 'returns') || a.startedAt - b.startedAt) : [];

  return (
    <div data-testid="console-clip">
      <Button onClick={() => history.back()} data-testid="console-back">
        {t('console.back')}
      </Button>
      {error && <Alert type="error" message={error} style={{ marginTop: 12 }} />}
      {clip && (
        <div style={{ marginTop: 12 }}>
          <h2 className="mono" data-testid="console-clip-order">
            {clip.order}
          </h2>
          <HoldTag hold={clip.hold} />
          <p data-testid="console-clip-meta">
            {t('console.clipMeta', {
              station: clip.stationName,
              time: when(clip.startedAt),
              duration: mmss(clip.durationMs),
              operator: clip.operator ?? '—',
            })}
          </p>
          {sideBySide ? (
            <section data-testid="console-side-by-side">
              <h3>{t('consoleClip.sideBySide')}</h3>
              <div style={{ display: 'grid', gridTemplateColumns: `repeat(${columns.length}, minmax(0, 1fr))`, gap: 16 }}>
                {columns.map((c) => (
                  <div key={key(c)} data-testid="console-side" data-mode={c.mode} data-current={String(key(c) === key(clip))}>
                    <p>
                      <strong>{modeName(c.mode)}</strong> · {c.stationName} · {when(c.startedAt)}
                      {key(c) === key(clip) ? (
                        ` · ${t('consoleClip.thisClip')}`
                      ) : (
                        <Button type="link" size="small" href={`#/clip/${encodeURIComponent(c.station)}/${encodeURIComponent(c.clipId)}`}>
                          {t('consoleClip.openClip')}
                        </Button>
                      )}
                      <HoldTag hold={c.hold} />
                    </p>
                    <VideoPlayer src={consoleApi.mediaUrl(c.station, c.clipId)} fps={30} />
                  </div>
                ))}
              </div>
            </section>
          ) : (
            <div style={{ maxWidth: 960 }}>
              <VideoPlayer src={consoleApi.mediaUrl(clip.station, clip.clipId)} fps={30} />
            </div>
          )}
          <p className="mono" style={{ fontSize: 12, color: '#666', wordBreak: 'break-all' }}>
            SHA-256 {clip.sha256}
          </p>
          {calls.includes('verify') && <ClipVerify key={key(clip)} clip={clip} />}
          {calls.includes('exportStart') && <ClipExport key={`export-${key(clip)}`} clip={clip} />}
          <ClipHold key={`hold-${key(clip)}`} clip={clip} mayChange={calls.includes('hold')} onChange={(hold) => setClip({ ...clip, hold })} />
        </div>
      )}
    </div>
  );
}
