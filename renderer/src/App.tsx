import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AntdProvider } from './antdProvider.tsx';
import { LANGUAGES, setLanguage, type Language } from './i18n/index.ts';
import { StationProvider, useStation } from './station/StationContext.tsx';
import { views } from './views/registry.ts';

function currentViewId(): string {
  const id = location.hash.replace(/^#\/?/, '').split('?')[0] ?? '';
  return views.some((v) => v.id === id) ? id : views[0]!.id;
}

/**
 * Away from the station view the window keeps its own colours (a lookup must stay readable), so a
 * recording still running is shown here, small, with the Stop the packer may need.
 */
function RecordingIndicator({ viewId }: { viewId: string }) {
  const { t } = useTranslation();
  const { snapshot, active, controller } = useStation();
  if (!active || viewId === 'station' || snapshot.phase !== 'recording') return null;
  return (
    <span className="rec-indicator" role="status" data-testid="rec-indicator">
      <span className="rec-dot" aria-hidden="true" />
      {t('app.recordingOrder', { order: snapshot.order ?? '' })}
      <button type="button" onClick={() => void controller.stop()} data-testid="rec-indicator-stop">
        {t('app.stop')}
      </button>
    </span>
  );
}

function Header({ viewId }: { viewId: string }) {
  const { t, i18n } = useTranslation();
  const { snapshot, active } = useStation();
  return (
    <header className={`app-header ${active && viewId === 'station' ? `hdr-${snapshot.phase}` : ''}`}>
      <strong className="brand">{t('app.title')}</strong>
      {snapshot.stationName && <span className="station-name">{snapshot.stationName}</span>}
      {/* Who the next clip is filed under, on every view once the station runs (kept by the engine). */}
      {active && (
        <span className="operator" data-testid="operator">
          {snapshot.operator ? t('station.operatorIs', { name: snapshot.operator }) : t('station.noOperator')}
        </span>
      )}
      <RecordingIndicator viewId={viewId} />
      <nav>
        {views
          .filter((v) => !v.hidden)
          .map((v) => (
            <a key={v.id} href={`#/${v.id}`} aria-current={v.id === viewId ? 'page' : undefined} data-testid={`nav-${v.id}`}>
              {t(v.labelKey)}
            </a>
          ))}
      </nav>
      <select value={i18n.language} onChange={(e) => setLanguage(e.target.value as Language)} aria-label="Language" data-testid="language">
        {Object.entries(LANGUAGES).map(([code, name]) => (
          <option key={code} value={code}>
            {name}
          </option>
        ))}
      </select>
    </header>
  );
}

export function App() {
  const [viewId, setViewId] = useState(currentViewId);
  useEffect(() => {
    const onHash = () => setViewId(currentViewId());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  // The state colours belong to the station view only (styles.css): other views stay readable.
  useEffect(() => {
    document.body.dataset.view = viewId;
  }, [viewId]);
  const View = views.find((v) => v.id === viewId)!.component;
  return (
    <AntdProvider>
      <StationProvider>
        <Header viewId={viewId} />
        <main>
          <View />
        </main>
      </StationProvider>
    </AntdProvider>
  );
}
