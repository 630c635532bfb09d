// One clip: what it is, the player (controls under the picture), its SHA-256.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, Button } from 'antd';
import type { ConsoleClip } from '../../../shared/consoleWire.ts';
import { VideoPlayer } from '../views/lookup/VideoPlayer.tsx';
import { mmss } from '../format.ts';
import { consoleApi } from './api.ts';

export function ClipPage({ station, clipId }: { station: string; clipId: string }) {
  const { t, i18n } = useTranslation();
  const [clip, setClip] = useState<ConsoleClip | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setClip(null);
    setError(null);
    consoleApi.clip(station, clipId).then(
      (a) => setClip(a.clip),
      (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
    );
  }, [station, clipId]);
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
          <p data-testid="console-clip-meta">
            {t('console.clipMeta', {
              station: clip.stationName,
              time: new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(clip.startedAt)),
              duration: mmss(clip.durationMs),
              operator: clip.operator ?? '—',
            })}
          </p>
          <div style={{ maxWidth: 960 }}>
            <VideoPlayer src={consoleApi.mediaUrl(clip.station, clip.clipId)} fps={30} />
          </div>
          <p className="mono" style={{ fontSize: 12, color: '#666', wordBreak: 'break-all' }}>
            SHA-256 {clip.sha256}
          </p>
        </div>
      )}
    </div>
  );
}
