// First run: the station already records with sensible defaults (scan a label and it works); this
// card asks only what a site must decide — the station's name, the camera — and shows where clips
// go. Confirming it hides it for good (settings.setupDone).
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Settings } from '../../../../shared/contract.ts';
import { api } from '../../api/index.ts';
import { useCameras } from '../../station/devices.ts';
import { DiskOutlook } from '../status/DiskOutlook.tsx';
import { errorMessage } from '../../../../shared/errorMessage.ts';

export function FirstRunCard({ settings }: { settings: Settings }) {
  const { t } = useTranslation();
  const cameras = useCameras();
  const [name, setName] = useState(settings.stationName);
  const [camera, setCamera] = useState(settings.cameraDeviceId ?? '');
  const [clipsDir, setClipsDir] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api['station.info']({}).then(
      (i) => setClipsDir(i.clipsDir),
      () => {},
    );
  }, []);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api['settings.update']({ stationName: name.trim(), cameraDeviceId: camera || null, setupDone: true });
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <form className="first-run panel" onSubmit={(e) => void submit(e)} data-testid="first-run">
      <h2>{t('firstRun.title')}</h2>
      <p>{t('firstRun.intro')}</p>
      <label>
        {t('settings.stationName')}
        <input value={name} onChange={(e) => setName(e.target.value)} maxLength={60} required data-testid="first-run-name" />
      </label>
      <label>
        {t('settings.camera')}
        <select value={camera} onChange={(e) => setCamera(e.target.value)} data-testid="first-run-camera">
          <option value="">{t('settings.defaultCamera')}</option>
          {cameras.map((c) => (
            <option key={c.deviceId} value={c.deviceId}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      <p className="muted">
        {t('firstRun.storage')} <span className="mono">{clipsDir}</span>
      </p>
      <DiskOutlook title={false} />
      {/* One line until opened: the card must leave the essentials of a 1366×768 screen in view. */}
      <details className="muted" data-testid="first-run-trusted-time">
        <summary>{t('firstRun.trustedTimeShort')}</summary>
        {t('firstRun.trustedTime')}
      </details>
      {error && (
        <div className="message message-error" role="alert">
          {error}
        </div>
      )}
      <button type="submit" className="primary" data-testid="first-run-done">
        {t('firstRun.done')}
      </button>
    </form>
  );
}
