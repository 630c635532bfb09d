// Customer service's one action for a dispute: pick the channel, see what will come out and how
// big, export, watch progress (percent and time left, cancellable), download the package. A batch
// of pasted order codes runs the same way with a summary of what failed and why.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, Input, InputNumber, List, Progress, Select } from 'antd';
import type { Clip } from '../../../../shared/contract.ts';
import type { ExportJob, ExportPreset } from '../../../../shared/contract/export.ts';
import { api, onEvent } from '../../api/index.ts';
import { bytes } from '../../format.ts';
import { wordMessage } from '../../i18n/message.ts';
import { MAX_MOMENTS, MomentsTimeline } from './MomentsTimeline.tsx';
import { playerMs } from './player.ts';
import { CUSTOM_LIMITS_DEFAULT, CustomLimitFields, type CustomLimits } from './CustomLimitFields.tsx';
import { TrimTimeline } from './TrimTimeline.tsx';
import './exportPanel.css';
import { errorMessage } from '../../../../shared/errorMessage.ts';

type Form = 'auto' | 'video' | 'stills';
type Fit = 'parts' | 'speed' | 'trim';
/** This clip alone, or an order's clips of one mode (shipping and returns are different evidence). */
type Scope = 'clip' | 'shipping' | 'returns' | 'all';

const seconds = (ms: number): string => (ms / 1000).toFixed(1);

const duration = (ms: number): string => {
  const s = Math.ceil(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
};

/**
 * The order a reviewer reads a package in: the ZIP (everything in one file) first, then the
 * checking page, the signed manifest with its signature and token, the read-me, then the clips,
 * stills and sheets as the engine wrote them.
 */
const FILE_RANK: Array<(name: string) => boolean> = [
  (n) => n.endsWith('.zip'),
  (n) => n === 'verify.html',
  (n) => n === 'export-manifest.json',
  (n) => n.startsWith('export-manifest.'),
  (n) => n === 'README.txt',
];
export function packageOrder<T extends { name: string }>(files: T[]): T[] {
  const rank = (name: string): number => {
    const i = FILE_RANK.findIndex((f) => f(name));
    return i < 0 ? FILE_RANK.length : i;
  };
  return files
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f.name) - rank(b.f.name) || a.i - b.i)
    .map((x) => x.f);
}

function JobRow({ job, presetName, onCancel }: { job: ExportJob; presetName: string; onCancel: (id: string) => void }) {
  const { t, i18n } = useTranslation();
  const active = job.status === 'queued' || job.status === 'running';
  const ref = useRef<HTMLDivElement>(null);
  const wasActive = useRef(active);
  // A job that finishes while the agent looks elsewhere in the panel comes into view with its files.
  useEffect(() => {
    if (wasActive.current && job.status === 'done') ref.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    wasActive.current = active;
  }, [active, job.status]);
  const files = packageOrder(job.files);
  const modeWords = t(`exportPanel.${job.mode === 'returns' ? 'scopeReturns' : job.mode === 'all' ? 'scopeAll' : 'scopeShipping'}`);
  return (
    // List.Item renders no ref, so the row's own div is what scrolls into view.
    <List.Item className={`export-job export-${job.status}`}>
      <div ref={ref} className="export-job-body" data-testid="export-job" data-status={job.status} data-preset={job.preset} data-mode={job.mode}>
        <div className="export-job-head">
          <strong>{job.order}</strong> <span data-testid="export-job-what">{t('exportPanel.jobWhat', { preset: presetName, mode: modeWords })}</span>{' '}
          <span className="muted">{t(`exportPanel.status.${job.status}`)}</span>
          {active && (
            <Button size="small" onClick={() => onCancel(job.jobId)} data-testid="export-cancel">
              {t('exportPanel.cancel')}
            </Button>
          )}
        </div>
        {active && (
          <div className="export-progress">
            <Progress percent={Math.floor(job.percent)} showInfo={false} status="active" aria-label={job.order} data-testid="export-progress" />
            <span data-testid="export-percent">{t('exportPanel.percent', { percent: Math.floor(job.percent) })}</span>
            {job.etaMs !== null && (
              <span className="muted" data-testid="export-eta">
                {t('exportPanel.left', { time: duration(job.etaMs) })}
              </span>
            )}
            <span className="muted">{job.stage}</span>
          </div>
        )}
        {job.message && <p className={job.status === 'failed' ? 'message message-error' : 'muted'}>{job.message}</p>}
        {job.status === 'done' && (
          <ul className="export-files" aria-label={t('exportPanel.files')}>
            {files.map((f) => (
              <li key={f.name}>
                <a href={f.url} download={f.name} data-testid="export-file">
                  {f.name}
                </a>{' '}
                <span className="muted" data-testid="export-file-size">
                  {bytes(f.bytes, i18n.language)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </List.Item>
  );
}

/**
 * An antd Select whose options carry test ids (`<testId>-<value>`), rendered all at once (no
 * virtual list) so every channel is in the page for a test or a screen reader to find.
 */
function Choice<V extends string>({
  testId,
  value,
  onChange,
  options,
}: {
  testId: string;
  value: V;
  onChange: (v: V) => void;
  options: Array<{ value: V; label: string }>;
}) {
  return (
    <Select<V>
      value={value}
      onChange={onChange}
      virtual={false}
      popupMatchSelectWidth={false}
      data-testid={testId}
      options={options.map((o) => ({ ...o, title: o.label, 'data-testid': `${testId}-${o.value}` }))}
    />
  );
}

export function ExportPanel({ clip }: { clip: Clip }) {
  const { t, i18n } = useTranslation();
  const [presets, setPresets] = useState<ExportPreset[]>([]);
  const [presetId, setPresetId] = useState('shopee');
  const [form, setForm] = useState<Form>('auto');
  const [fit, setFit] = useState<Fit>('parts');
  const [scope, setScope] = useState<Scope>('clip');
  const [customLimits, setCustomLimits] = useState<CustomLimits>(CUSTOM_LIMITS_DEFAULT);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [expected, setExpected] = useState<string | null>(null);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [jobs, setJobs] = useState<ExportJob[]>([]);
  const [batchText, setBatchText] = useState('');
  const [batchId, setBatchId] = useState<string | null>(null);
  const [refused, setRefused] = useState<{ order: string; reason: string }[]>([]);
  const [moments, setMoments] = useState<number[]>([]);
  const [autoMoments, setAutoMoments] = useState<number[]>([]);
  useEffect(() => setMoments([]), [clip.id]);

  useEffect(() => {
    void api['export.presets']({})
      .then((r) => setPresets(r.presets))
      .catch((err: Error) => setError(err.message));
    void api['export.jobs']({ batchId: null })
      .then((r) => setJobs(r.jobs))
      .catch(() => {});
  }, []);
  useEffect(() => {
    const offProgress = onEvent('export.progress', (p) =>
      setJobs((list) => list.map((j) => (j.jobId === p.jobId ? { ...j, status: 'running', percent: p.percent, etaMs: p.etaMs, stage: p.stage } : j))),
    );
    const offDone = onEvent('export.done', (job) =>
      setJobs((list) => (list.some((j) => j.jobId === job.jobId) ? list.map((j) => (j.jobId === job.jobId ? job : j)) : [job, ...list])),
    );
    return () => {
      offProgress();
      offDone();
    };
  }, []);

  const preset = presets.find((p) => p.id === presetId);
  const presetName = (p: ExportPreset | undefined): string | undefined => p && wordMessage(t, p.nameMessage, p.name);
  const request = useMemo(() => {
    const num = (v: string): number | null => (v.trim() === '' || !Number.isFinite(Number(v)) ? null : Number(v));
    const a = num(from);
    const b = num(to);
    return {
      preset: presetId,
      form: form === 'auto' ? null : form,
      fit,
      range: a !== null || b !== null ? { startMs: (a ?? 0) * 1000, endMs: (b ?? clip.durationMs / 1000) * 1000 } : null,
      custom: presetId === 'custom' ? { maxMB: num(customLimits.mb), maxSeconds: num(customLimits.seconds) } : null,
      stillsAtMs: moments.length ? moments : null,
      mode: scope === 'clip' ? ('shipping' as const) : scope,
    };
  }, [presetId, form, fit, from, to, customLimits, clip.durationMs, moments, scope]);
  const clipIds = scope === 'clip' ? [clip.id] : null;
  const stillsForm = preset ? (form === 'auto' ? preset.defaultForm === 'stills' || !preset.accepts.video : form === 'stills') : false;
  const addMoment = () => {
    const at = playerMs();
    if (at !== null) setMoments((m) => [...new Set([...m, at])].sort((a, b) => a - b).slice(0, MAX_MOMENTS));
  };
  const fromPlayer = (set: (v: string) => void) => () => {
    const at = playerMs();
    if (at !== null) set(seconds(at));
  };

  // The expected result and size, before anything is exported.
  useEffect(() => {
    let live = true;
    setExpected(null);
    const id = setTimeout(() => {
      api['export.plan']({ order: clip.order, clipIds, ...request })
        .then((plan) => {
          if (!live) return;
          const c = plan.clips[0];
          // What "automatic" picks: only a plan made without chosen stills says that.
          if (!request.stillsAtMs) setAutoMoments(c?.form === 'stills' ? c.stillsAtMs : []);
          const what = !c
            ? ''
            : c.form === 'stills'
              ? t('exportPanel.stills', { count: c.stillsAtMs.length })
              : c.form === 'copy'
                ? t('exportPanel.original')
                : t('exportPanel.parts', { count: c.parts.length });
          setExpected(t('exportPanel.expected', { what, size: bytes(plan.expectedBytes, i18n.language) }));
          setWarnings(plan.warnings);
          setError(null);
        })
        .catch((err: Error) => {
          if (!live) return;
          setWarnings([]);
          setError(err.message);
        });
    }, 200);
    return () => {
      live = false;
      clearTimeout(id);
    };
  }, [clip.id, clip.order, request, t, i18n.language, scope]);

  const start = async (orders: string[], forBatch: boolean) => {
    try {
      const r = await api['export.start']({
        orders,
        ...request,
        range: forBatch ? null : request.range,
        stillsAtMs: forBatch ? null : request.stillsAtMs,
        clipIds: forBatch ? null : clipIds,
      });
      setJobs((list) => [...r.jobs, ...list.filter((j) => !r.jobs.some((n) => n.jobId === j.jobId))]);
      if (forBatch) {
        setBatchId(r.batchId);
        setRefused(r.refused);
      }
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const cancel = (jobId: string) => void api['export.cancel']({ jobId }).catch((err: Error) => setError(err.message));

  const batchJobs = batchId ? jobs.filter((j) => j.batchId === batchId) : [];
  const batchDone = batchJobs.filter((j) => j.status === 'done').length;
  const batchFailed = batchJobs.filter((j) => j.status === 'failed' || j.status === 'cancelled').length + refused.length;
  const shown = jobs.filter((j) => j.order === clip.order || j.batchId === batchId).slice(0, 20);

  return (
    <section className="export-panel" data-testid="export-panel">
      <h3>{t('exportPanel.title')}</h3>
      <div className="export-options">
        <label>
          {t('exportPanel.channel')}{' '}
          <Choice
            testId="export-preset"
            value={presetId}
            onChange={setPresetId}
            options={presets.map((p) => ({ value: p.id, label: wordMessage(t, p.nameMessage, p.name) }))}
          />
        </label>
        <label>
          {t('exportPanel.scope')}{' '}
          <Choice<Scope>
            testId="export-scope"
            value={scope}
            onChange={setScope}
            options={[
              {
                value: 'clip',
                label: t('exportPanel.scopeClip', { mode: clip.mode === 'returns' ? t('exportPanel.modeReturns') : t('exportPanel.modeShipping') }),
              },
              { value: 'shipping', label: t('exportPanel.scopeShipping') },
              { value: 'returns', label: t('exportPanel.scopeReturns') },
              { value: 'all', label: t('exportPanel.scopeAll') },
            ]}
          />
        </label>
        {preset?.accepts.video && preset.accepts.images && (
          <label>
            {t('exportPanel.form')}{' '}
            <Choice<Form>
              testId="export-form"
              value={form}
              onChange={setForm}
              options={[
                { value: 'auto', label: preset.defaultForm === 'video' ? t('exportPanel.formVideo') : t('exportPanel.formStills') },
                {
                  value: preset.defaultForm === 'video' ? 'stills' : 'video',
                  label: preset.defaultForm === 'video' ? t('exportPanel.formStills') : t('exportPanel.formVideo'),
                },
              ]}
            />
          </label>
        )}
        {preset?.accepts.video && preset.reencode && form !== 'stills' && (
          <label>
            {t('exportPanel.fit')}{' '}
            <Choice<Fit>
              testId="export-fit"
              value={fit}
              onChange={setFit}
              options={[
                { value: 'parts', label: t('exportPanel.fitParts') },
                { value: 'speed', label: t('exportPanel.fitSpeed') },
                { value: 'trim', label: t('exportPanel.fitTrim') },
              ]}
            />
          </label>
        )}
        {presetId === 'custom' && <CustomLimitFields value={customLimits} onChange={setCustomLimits} testIdPrefix="export" />}
        {preset?.reencode && (
          <>
            <label>
              {t('exportPanel.range')} {t('exportPanel.rangeFrom')}{' '}
              <InputNumber<string>
                stringMode
                min="0"
                step="0.1"
                value={from || null}
                placeholder={seconds(0)}
                onChange={(v) => setFrom(v ?? '')}
                className="export-range"
                data-testid="export-from"
              />{' '}
              {t('exportPanel.rangeTo')}{' '}
              <InputNumber<string>
                stringMode
                min="0"
                step="0.1"
                value={to || null}
                placeholder={seconds(clip.durationMs)}
                onChange={(v) => setTo(v ?? '')}
                className="export-range"
                data-testid="export-to"
              />
              <Button onClick={fromPlayer(setFrom)} title={t('exportPanel.fromPlayer')} data-testid="export-from-player">
                ⇤ {t('exportPanel.fromPlayer')}
              </Button>
              <Button onClick={fromPlayer(setTo)} title={t('exportPanel.fromPlayer')} data-testid="export-to-player">
                {t('exportPanel.fromPlayer')} ⇥
              </Button>
            </label>
            <TrimTimeline clipId={clip.id} durationMs={clip.durationMs} from={from} to={to} setFrom={setFrom} setTo={setTo} />
          </>
        )}
        {stillsForm && (
          <div className="export-moments" data-testid="export-moments">
            <Button onClick={addMoment} data-testid="export-add-moment">
              {t('exportPanel.addMoment')}
            </Button>
            <MomentsTimeline clipId={clip.id} durationMs={clip.durationMs} moments={moments} autoMoments={autoMoments} setMoments={setMoments} />
            {moments.length === 0 ? (
              <span className="muted">{t('exportPanel.autoMoments')}</span>
            ) : (
              <span>
                {t('exportPanel.moments')}{' '}
                {moments.map((m) => (
                  <Button
                    size="small"
                    key={m}
                    className="export-moment"
                    onClick={() => setMoments((list) => list.filter((x) => x !== m))}
                    data-testid="export-moment"
                  >
                    {seconds(m)} s ✕
                  </Button>
                ))}
              </span>
            )}
          </div>
        )}
      </div>
      {preset && (
        <p className="muted" data-testid="export-preset-note">
          {wordMessage(t, preset.noteMessage, preset.note)}
        </p>
      )}
      {preset && !preset.limitsKnown && <p className="message message-warn">{t('exportPanel.unknownLimits')}</p>}
      <p data-testid="export-expected">{expected ?? (error ? '' : t('exportPanel.planning'))}</p>
      {warnings.map((w) => (
        <p key={w} className="muted">
          {w}
        </p>
      ))}
      {error && (
        <div className="message message-error" role="alert">
          {error}
        </div>
      )}
      <Button type="primary" onClick={() => void start([clip.order], false)} disabled={!expected} data-testid="export-start">
        {t('exportPanel.start')}
      </Button>

      {shown.length > 0 && (
        <List
          className="export-jobs"
          size="small"
          bordered
          dataSource={shown}
          rowKey={(j) => j.jobId}
          renderItem={(j) => <JobRow job={j} presetName={presetName(presets.find((p) => p.id === j.preset)) ?? j.preset} onCancel={cancel} />}
        />
      )}

      <details className="export-batch">
        <summary>{t('exportPanel.batch')}</summary>
        <p className="muted">{t('exportPanel.batchHint')}</p>
        <p className="muted" data-testid="export-batch-mode">
          {t('exportPanel.batchMode', {
            which: t(`exportPanel.${request.mode === 'returns' ? 'scopeReturns' : request.mode === 'all' ? 'scopeAll' : 'scopeShipping'}`),
          })}
        </p>
        <Input.TextArea rows={5} value={batchText} onChange={(e) => setBatchText(e.target.value)} data-testid="export-batch" />
        <Button disabled={!batchText.trim()} onClick={() => void start(batchText.split(/[\s,;]+/u).filter(Boolean), true)} data-testid="export-batch-start">
          {t('exportPanel.batchStart')}
        </Button>
        {batchId && (
          <div data-testid="export-batch-summary">
            <p>{t('exportPanel.batchSummary', { done: batchDone, total: batchJobs.length + refused.length, failed: batchFailed })}</p>
            <ul>
              {refused.map((r) => (
                <li key={r.order} className="message message-error">
                  {t('exportPanel.refused', r)}
                </li>
              ))}
              {batchJobs
                .filter((j) => j.status === 'failed')
                .map((j) => (
                  <li key={j.jobId} className="message message-error">
                    {t('exportPanel.refused', { order: j.order, reason: j.message ?? '' })}
                  </li>
                ))}
            </ul>
          </div>
        )}
      </details>
    </section>
  );
}
