// Settings of this station. Validated here with the contract's own schema (so the field at fault is
// named before anything is sent) and again by the engine; applied without restart: scanner rules,
// sounds, auto stop and language at once, camera changes between clips (StationController).
import { useEffect, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Settings } from '../../../shared/contract.ts';
import { CARRIER_PATTERNS } from '../../../shared/codePatterns.ts';
import { api } from '../api/index.ts';
import { useCameras } from '../station/devices.ts';
import { LanPanel } from './settings/LanPanel.tsx';
import { HubPanel } from './settings/HubPanel.tsx';
import { PipPreview } from './settings/PipPreview.tsx';
import { LabelPanel } from './settings/LabelPanel.tsx';
import { errorMessage } from '../../../shared/errorMessage.ts';

type Draft = Settings;

const RESOLUTIONS = [
  [640, 480],
  [1280, 720],
  [1920, 1080],
] as const;
const QUALITY = [
  ['low', 1_200_000],
  ['normal', 2_500_000],
  ['high', 5_000_000],
] as const;

const lines = (s: string): string[] =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

export function SettingsView() {
  const { t } = useTranslation();
  const cameras = useCameras();
  const [saved, setSaved] = useState<Settings | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [clipsDir, setClipsDir] = useState('');
  const [status, setStatus] = useState<{ level: 'info' | 'error'; text: string } | null>(null);

  useEffect(() => {
    api['settings.get']({}).then(
      (s) => {
        setSaved(s);
        setDraft(s);
      },
      (err: Error) => setStatus({ level: 'error', text: err.message }),
    );
    api['station.info']({}).then(
      (i) => setClipsDir(i.clipsDir),
      () => {},
    );
  }, []);

  const issues = useMemo(() => {
    if (!draft) return new Map<string, string>();
    const r = Settings.safeParse(draft);
    return new Map(r.success ? [] : r.error.issues.map((i) => [String(i.path[0]), i.message] as const));
  }, [draft]);

  if (!draft || !saved) return <p className="muted">{status?.text ?? t('settings.loading')}</p>;

  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft({ ...draft, [k]: v });
  const err = (k: keyof Draft) =>
    issues.get(k) && (
      <span className="field-error" data-testid={`error-${k}`}>
        {issues.get(k)}
      </span>
    );
  const num = (k: keyof Draft, value: number, onValue: (n: number) => void, attrs: { min?: number; max?: number; step?: number } = {}) => (
    <input
      type="number"
      value={Number.isFinite(value) ? value : ''}
      onChange={(e) => onValue(e.target.value === '' ? NaN : Number(e.target.value))}
      data-testid={`set-${k}`}
      {...attrs}
    />
  );

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (issues.size) {
      setStatus({ level: 'error', text: t('settings.invalid') });
      return;
    }
    const patch: Record<string, unknown> = {};
    for (const k of Object.keys(draft) as (keyof Draft)[]) {
      if (JSON.stringify(draft[k]) !== JSON.stringify(saved[k])) patch[k] = draft[k];
    }
    try {
      const next = await api['settings.update'](patch);
      setSaved(next);
      setDraft(next);
      setStatus({ level: 'info', text: t('settings.saved') });
    } catch (error) {
      setStatus({ level: 'error', text: errorMessage(error) });
    }
  };

  const minutes = (ms: number) => Math.round((ms / 60_000) * 10) / 10;
  const cameraOptions = (value: string | null, onValue: (v: string | null) => void, testid: string, noneLabel: string) => (
    <select value={value ?? ''} onChange={(e) => onValue(e.target.value || null)} data-testid={testid}>
      <option value="">{noneLabel}</option>
      {cameras.map((c) => (
        <option key={c.deviceId} value={c.deviceId}>
          {c.label}
        </option>
      ))}
    </select>
  );

  return (
    <form className="settings panel" onSubmit={(e) => void save(e)} data-testid="settings-form">
      <Section title={t('settings.station')}>
        <Field label={t('settings.stationName')}>
          <input value={draft.stationName} onChange={(e) => set('stationName', e.target.value)} maxLength={60} data-testid="set-stationName" />
          {err('stationName')}
        </Field>
        <Field label={t('settings.language')}>
          <select value={draft.language} onChange={(e) => set('language', e.target.value as Draft['language'])} data-testid="set-language">
            <option value="system">{t('settings.languageSystem')}</option>
            <option value="en">English</option>
            <option value="zh-CN">简体中文</option>
          </select>
        </Field>
        <Check label={t('settings.sounds')} checked={draft.sounds} onChange={(v) => set('sounds', v)} testid="set-sounds" />
        <Check label={t('settings.startAtLogin')} checked={draft.startAtLogin} onChange={(v) => set('startAtLogin', v)} testid="set-startAtLogin" />
      </Section>

      <Section title={t('settings.cameras')}>
        <Field label={t('settings.camera')}>
          {cameraOptions(draft.cameraDeviceId, (v) => set('cameraDeviceId', v), 'set-camera', t('settings.defaultCamera'))}
        </Field>
        <Field label={t('settings.resolution')}>
          <select
            value={`${draft.width}x${draft.height}`}
            onChange={(e) => {
              const [w, h] = e.target.value.split('x').map(Number);
              setDraft({ ...draft, width: w!, height: h! });
            }}
            data-testid="set-resolution"
          >
            {RESOLUTIONS.some(([w, h]) => w === draft.width && h === draft.height) ? null : (
              <option value={`${draft.width}x${draft.height}`}>
                {draft.width}×{draft.height}
              </option>
            )}
            {RESOLUTIONS.map(([w, h]) => (
              <option key={w} value={`${w}x${h}`}>
                {w}×{h}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('settings.fps')}>
          {num('fps', draft.fps, (n) => set('fps', n), { min: 5, max: 60 })}
          {err('fps')}
        </Field>
        <Field label={t('settings.quality')}>
          <select value={String(draft.videoBitsPerSecond)} onChange={(e) => set('videoBitsPerSecond', Number(e.target.value))} data-testid="set-quality">
            {QUALITY.some(([, b]) => b === draft.videoBitsPerSecond) ? null : <option value={draft.videoBitsPerSecond}>{draft.videoBitsPerSecond}</option>}
            {QUALITY.map(([id, b]) => (
              <option key={id} value={b}>
                {t(`settings.quality_${id}`)}
              </option>
            ))}
          </select>
        </Field>
        <Check label={t('settings.microphone')} checked={draft.microphone} onChange={(v) => set('microphone', v)} testid="set-microphone" />
        <Field label={t('settings.pipCamera')}>
          {cameraOptions(draft.pipCameraDeviceId, (v) => set('pipCameraDeviceId', v), 'set-pipCamera', t('settings.pipOff'))}
        </Field>
        {draft.pipCameraDeviceId && (
          <>
            <Field label={t('settings.pipCorner')}>
              <select value={draft.pipCorner} onChange={(e) => set('pipCorner', e.target.value as Draft['pipCorner'])} data-testid="set-pipCorner">
                {(['top-left', 'top-right', 'bottom-left', 'bottom-right'] as const).map((c) => (
                  <option key={c} value={c}>
                    {t(`settings.corner_${c}`)}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t('settings.pipSize')}>
              {num('pipScalePercent', draft.pipScalePercent, (n) => set('pipScalePercent', n), { min: 15, max: 50 })} %{err('pipScalePercent')}
            </Field>
            <PipPreview width={draft.width} height={draft.height} corner={draft.pipCorner} scalePercent={draft.pipScalePercent} />
          </>
        )}
      </Section>

      <Section title={t('settings.recording')}>
        <Field label={t('settings.maxClip')}>
          {num('maxClipMs', minutes(draft.maxClipMs), (n) => set('maxClipMs', Math.round(n * 60_000)), { min: 0, step: 0.5 })} {t('settings.minutesZeroOff')}
          {err('maxClipMs')}
        </Field>
        <Field label={t('settings.idleStop')}>
          {num('idleStopMs', minutes(draft.idleStopMs), (n) => set('idleStopMs', Math.round(n * 60_000)), { min: 0, step: 0.5 })} {t('settings.minutesZeroOff')}
          {err('idleStopMs')}
        </Field>
      </Section>

      <Section title={t('settings.scanner')}>
        <fieldset className="carriers" data-testid="set-carriers">
          <legend>{t('settings.carriers')}</legend>
          {CARRIER_PATTERNS.map((p) => (
            <Check
              key={p.id}
              label={p.name}
              checked={draft.carrierPatterns.includes(p.id)}
              testid={`carrier-${p.id}`}
              onChange={(v) => set('carrierPatterns', v ? [...draft.carrierPatterns, p.id] : draft.carrierPatterns.filter((c) => c !== p.id))}
            />
          ))}
        </fieldset>
        <Field label={t('settings.customPatterns')}>
          <textarea
            value={draft.customPatterns.join('\n')}
            onChange={(e) => set('customPatterns', lines(e.target.value))}
            rows={3}
            data-testid="set-customPatterns"
          />
          {err('customPatterns')}
        </Field>
        <Field label={t('settings.stripPrefix')}>
          <input value={draft.stripPrefix} onChange={(e) => set('stripPrefix', e.target.value)} maxLength={20} data-testid="set-stripPrefix" />
        </Field>
        <Field label={t('settings.stripSuffix')}>
          <input value={draft.stripSuffix} onChange={(e) => set('stripSuffix', e.target.value)} maxLength={20} data-testid="set-stripSuffix" />
        </Field>
        <Check
          label={t('settings.allowProductBarcodes')}
          checked={draft.allowProductBarcodes}
          onChange={(v) => set('allowProductBarcodes', v)}
          testid="set-allowProductBarcodes"
        />
        <Field label={t('settings.operators')}>
          <textarea value={draft.operators.join('\n')} onChange={(e) => set('operators', lines(e.target.value))} rows={3} data-testid="set-operators" />
          {err('operators')}
        </Field>
        <LabelPanel draft={draft} set={set} />
      </Section>

      <Section title={t('settings.storage')}>
        <Field label={t('settings.clipsDir')}>
          <span className="mono" data-testid="clips-dir">
            {clipsDir}
          </span>
          <small className="muted">{t('settings.clipsDirHint')}</small>
        </Field>
        <Field label={t('settings.clipsDirNext')}>
          <input
            value={draft.clipsDir ?? ''}
            placeholder={t('settings.clipsDirDefault')}
            onChange={(e) => set('clipsDir', e.target.value.trim() === '' ? null : e.target.value.trim())}
            data-testid="set-clipsDir"
          />
          {err('clipsDir')}
          <small className="muted" data-testid="clips-dir-restart">
            {t('settings.clipsDirRestart')}
          </small>
        </Field>
        <Field label={t('settings.reserveMb')}>
          <input
            type="number"
            min={0}
            value={draft.reserveMb ?? ''}
            placeholder={t('settings.automatic')}
            onChange={(e) => set('reserveMb', e.target.value === '' ? null : Number(e.target.value))}
            data-testid="set-reserveMb"
          />{' '}
          MB
          {err('reserveMb')}
        </Field>
        <Field label={t('settings.keepDays')}>
          {num('keepDays', draft.keepDays, (n) => set('keepDays', n), { min: 0 })} {t('settings.daysZeroForever')}
          {err('keepDays')}
        </Field>
        <Check
          label={t('settings.deleteOldestForSpace')}
          checked={draft.deleteOldestForSpace}
          onChange={(v) => set('deleteOldestForSpace', v)}
          testid="set-deleteOldestForSpace"
        />
        <Field label={t('settings.protectDays')}>
          {num('protectDays', draft.protectDays, (n) => set('protectDays', n), { min: 1 })} {t('settings.protectDaysUnit')}
          {err('protectDays')}
          <small className="muted">{t('settings.protectDaysHint')}</small>
          {draft.keepDays > 0 && draft.keepDays < draft.protectDays && (
            <small className="message message-warn" data-testid="keep-shorter-than-protect">
              {t('settings.keepShorterThanProtect', { keep: draft.keepDays, protect: draft.protectDays })}
            </small>
          )}
        </Field>
      </Section>

      <Section title={t('settings.evidence')}>
        <Field label={t('settings.tsaUrls')}>
          <textarea value={draft.tsaUrls.join('\n')} onChange={(e) => set('tsaUrls', lines(e.target.value))} rows={3} data-testid="set-tsaUrls" />
          {err('tsaUrls')}
        </Field>
        <Field label={t('settings.tsaCerts')}>
          {/* Pasted PEM text goes over as one entry; the engine splits a chain into its certificates when saving. */}
          <textarea
            value={draft.tsaCerts.join('\n')}
            onChange={(e) => set('tsaCerts', e.target.value.trim() ? [e.target.value.trim()] : [])}
            rows={4}
            spellCheck={false}
            placeholder="-----BEGIN CERTIFICATE-----"
            data-testid="set-tsaCerts"
          />
          {err('tsaCerts')}
          <small className="muted">{t('settings.tsaCertsHint')}</small>
        </Field>
      </Section>

      <div className="settings-actions">
        <button type="submit" className="primary" disabled={issues.size > 0} data-testid="settings-save">
          {t('settings.save')}
        </button>
        <button type="button" onClick={() => setDraft(saved)}>
          {t('settings.revert')}
        </button>
        {status && (
          <span className={`message message-${status.level}`} role={status.level === 'error' ? 'alert' : 'status'} data-testid="settings-status">
            {status.text}
          </span>
        )}
      </div>

      <Section title={t('settings.lan')}>
        <LanPanel />
      </Section>

      <Section title={t('hub.title')}>
        <HubPanel />
      </Section>
    </form>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="settings-section">
      <h2>{title}</h2>
      {children}
    </section>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <span className="field-input">{children}</span>
    </label>
  );
}

function Check({ label, checked, onChange, testid }: { label: string; checked: boolean; onChange: (v: boolean) => void; testid: string }) {
  return (
    <label className="check">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} data-testid={testid} /> {label}
    </label>
  );
}
