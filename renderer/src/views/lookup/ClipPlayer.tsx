import { useTranslation } from 'react-i18next';
import type { Clip } from '../../../../shared/contract.ts';
import { bytes, dateTime, seconds } from '../../format.ts';
import { EvidenceRows } from '../verify/EvidenceRows.tsx';
import { VideoPlayer } from './VideoPlayer.tsx';

// Frame step assumes the station's frame rate; every station records 30 fps unless set otherwise,
// and a step of one frame at another rate still lands on the nearest frame.
const FPS = 30;
import { ContinuityRows } from './ContinuityRows.tsx';
import { LabelRows } from './LabelCheck.tsx';

/** Plays from the door's media URL, which answers HTTP Range requests, so seeking works. */
export function ClipPlayer({ clip, onClose, children }: { clip: Clip; onClose: () => void; children?: React.ReactNode }) {
  const { t, i18n } = useTranslation();
  return (
    <section className="player" aria-label={clip.order} data-testid="player">
      <header>
        <h2>{clip.order}</h2>
        <button type="button" onClick={onClose}>
          {t('lookup.close')}
        </button>
      </header>
      <VideoPlayer key={clip.id} src={clip.mediaUrl} fps={FPS} />
      <dl className="details">
        <dt>{t('lookup.recorded')}</dt>
        <dd>
          {dateTime(clip.startedAt, i18n.language)} – {dateTime(clip.endedAt, i18n.language)}
        </dd>
        <dt>{t('lookup.duration')}</dt>
        <dd>
          {seconds(clip.durationMs, i18n.language)} · {bytes(clip.sizeBytes, i18n.language)}
        </dd>
        <dt>{t('lookup.station')}</dt>
        <dd>
          {clip.station}
          {clip.operator ? ` · ${clip.operator}` : ''}
        </dd>
        <dt>{t('lookup.status')}</dt>
        <dd>
          {t(`status.${clip.status}`)}
          {clip.note ? ` — ${clip.note}` : ''}
        </dd>
        <dt>{t('lookup.sha256')}</dt>
        <dd className="mono">{clip.sha256}</dd>
        <dt>{t('lookup.file')}</dt>
        <dd className="mono" data-testid="player-file">
          {clip.fileName}
        </dd>
        <EvidenceRows clip={clip} />
        <ContinuityRows clip={clip} />
        <LabelRows clip={clip} />
      </dl>
      {children}
    </section>
  );
}
