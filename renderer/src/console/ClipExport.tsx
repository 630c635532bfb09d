// Export on the clip page: a channel's preset (video or stills where the channel takes both), run
// on the hub from the stored clip with progress and cancel, then the ZIP to download. The package
// is signed by the hub (its README-HUB.txt says why) and carries the hub's receipt for the clip.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, Button, Progress, Radio, Select, Space } from 'antd';
import type { ConsoleClip, ConsoleExport } from '../../../shared/consoleWire.ts';
import type { ExportPreset } from '../../../shared/contract/export.ts';
import { wordMessage } from '../i18n/message.ts';
import { consoleApi } from './api.ts';
import { CUSTOM_LIMITS_DEFAULT, CustomLimitFields, type CustomLimits } from '../views/export/CustomLimitFields.tsx';

export function ClipExport({ clip }: { clip: ConsoleClip }) {
  const { t } = useTranslation();
  const [presets, setPresets] = useState<ExportPreset[]>([]);
  const [presetId, setPresetId] = useState<string>('shopee');
  const [form, setForm] = useState<'video' | 'stills'>('video');
  // The custom preset's limits, as on a station's export panel: each part at most this size and length.
  const [customLimits, setCustomLimits] = useState<CustomLimits>(CUSTOM_LIMITS_DEFAULT);
  const [job, setJob] = useState<ConsoleExport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    consoleApi.exportPresets().then(
      (r) => setPresets(r.presets),
      (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, []);

  const preset = presets.find((p) => p.id === presetId);
  const both = !!preset && preset.accepts.video && preset.accepts.images;
  const running = job?.state === 'queued' || job?.state === 'running';

  const follow = (id: string) => {
    timer.current = setTimeout(() => {
      consoleApi.exportStatus(id).then(
        (j) => {
          setJob(j);
          if (j.state === 'queued' || j.state === 'running') follow(id);
        },
        (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
      );
    }, 400);
  };

  const start = async () => {
    setError(null);
    try {
      const num = (v: string): number | null => (v.trim() === '' || !(Number(v) > 0) ? null : Number(v));
      const custom = presetId === 'custom' ? { maxMB: num(customLimits.mb), maxSeconds: num(customLimits.seconds) } : null;
      const j = await consoleApi.exportStart(clip.station, clip.clipId, presetId, both ? form : preset?.accepts.video ? 'video' : 'stills', custom);
      setJob(j);
      follow(j.id);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <section style={{ marginTop: 16 }} data-testid="console-export">
      <h3>{t('consoleClip.exportTitle')}</h3>
      <Space wrap>
        <Select
          value={presetId}
          onChange={(v: string) => {
            setPresetId(v);
            const p = presets.find((x) => x.id === v);
            if (p) setForm(p.defaultForm === 'stills' ? 'stills' : 'video');
          }}
          // Not virtual: every option is in the page, each with its own test id.
          virtual={false}
          popupMatchSelectWidth={false}
          options={presets.map((p) => {
            const label = wordMessage(t, p.nameMessage, p.name);
            return { value: p.id, label, title: label, 'data-testid': `console-export-preset-${p.id}` };
          })}
          style={{ minWidth: 220 }}
          disabled={running}
          data-testid="console-export-preset"
        />
        {both && (
          <Radio.Group value={form} onChange={(e) => setForm(e.target.value as 'video' | 'stills')} disabled={running} data-testid="console-export-form">
            <Radio.Button value="video">{t('consoleClip.formVideo')}</Radio.Button>
            <Radio.Button value="stills">{t('consoleClip.formStills')}</Radio.Button>
          </Radio.Group>
        )}
        {presetId === 'custom' && <CustomLimitFields value={customLimits} onChange={setCustomLimits} disabled={running} testIdPrefix="console-export" />}
        <Button type="primary" onClick={() => void start()} disabled={running || !preset} data-testid="console-export-start">
          {t('consoleClip.exportStart')}
        </Button>
      </Space>
      {job && (
        <div style={{ marginTop: 8, maxWidth: 560 }} data-testid="console-export-job" data-state={job.state}>
          <Progress
            percent={Math.round(job.progress * 100)}
            status={job.state === 'failed' || job.state === 'interrupted' ? 'exception' : job.state === 'done' ? 'success' : 'active'}
          />
          <p data-testid="console-export-state">
            {t(`consoleClip.exportState.${job.state}`)}
            {running && job.stage ? ` · ${job.stage}` : ''}
          </p>
          {running && (
            <Button onClick={() => void consoleApi.exportCancel(job.id).then(setJob)} data-testid="console-export-cancel">
              {t('consoleClip.exportCancel')}
            </Button>
          )}
          {job.state === 'done' && job.zipName && (
            <Button href={consoleApi.exportZipUrl(job.id)} download={job.zipName} data-testid="console-export-download">
              {t('consoleClip.exportDownload', { name: job.zipName })}
            </Button>
          )}
          {job.error && job.state !== 'interrupted' && <Alert type="error" message={job.error} style={{ marginTop: 8 }} />}
        </div>
      )}
      {error && <Alert type="error" message={error} style={{ marginTop: 8 }} />}
    </section>
  );
}
