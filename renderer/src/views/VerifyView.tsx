// Verify: drop a clip file (from a NAS, an e-mail, a platform's download) and read, in plain words,
// which order it is, when and where it was recorded, and whether it is exactly what was sealed.
// The file never leaves this computer: only its SHA-256 goes to the station.
import { useEffect, useState } from 'react';
import { Upload } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CallOutput } from '../../../shared/contract.ts';
import { api } from '../api/index.ts';
import { dateTime, seconds } from '../format.ts';
import { wordCheck, wordError, wordFinding, wordMessage } from '../i18n/message.ts';
import { sha256OfBlob } from './verify/sha256.ts';
import { TsaSettings } from './verify/TsaSettings.tsx';

type Answer = CallOutput<'evidence.verifyHash'>;
type Report = CallOutput<'evidence.verifyAll'>;
type KeyInfo = CallOutput<'evidence.key'>;

const MARK = { true: '✔', false: '✘', null: '–' } as const;

export function VerifyView() {
  const { t, i18n } = useTranslation();
  const [key, setKey] = useState<KeyInfo | null>(null);
  const [fileName, setFileName] = useState<string | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [checkingAll, setCheckingAll] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api['evidence.key']({}).then(setKey, (err: Error) => setError(err.message));
  }, []);

  const check = async (file: File) => {
    setFileName(file.name);
    setAnswer(null);
    setError(null);
    setProgress(0);
    try {
      const sha256 = await sha256OfBlob(file, setProgress);
      setAnswer(await api['evidence.verifyHash']({ sha256, name: file.name, sizeBytes: file.size }));
    } catch (err) {
      setError(wordError(t, err));
    } finally {
      setProgress(null);
    }
  };

  const checkAll = async () => {
    setCheckingAll(true);
    setError(null);
    try {
      setReport(await api['evidence.verifyAll']({}));
    } catch (err) {
      setError(wordError(t, err));
    } finally {
      setCheckingAll(false);
    }
  };

  return (
    <div className="verify">
      <h1>{t('verify.title')}</h1>
      {/* Ant Design's dropper: drag a file on it or click to choose; the file is hashed here, never uploaded. */}
      <div className="verify-drop" data-testid="verify-drop">
        <Upload.Dragger
          multiple={false}
          showUploadList={false}
          beforeUpload={(file) => {
            void check(file);
            return false;
          }}
          data-testid="verify-file"
        >
          <p className="ant-upload-text">{t('verify.drop')}</p>
          <p className="ant-upload-hint">{t('verify.private')}</p>
        </Upload.Dragger>
      </div>
      {progress !== null && (
        <p className="muted" role="status">
          {t('verify.hashing', { name: fileName, percent: Math.round(progress * 100) })}
        </p>
      )}
      {error && (
        <div className="message message-error" role="alert">
          {error}
        </div>
      )}
      {answer && (
        <section className={`verdict verdict-${answer.verdict}`} data-testid="verify-result" data-verdict={answer.verdict}>
          <h2 data-testid="verify-headline">{t(`verify.verdict.${answer.verdict}`)}</h2>
          {/* The heading already says the verdict; the CLI's capitalised prefix would repeat it. */}
          <p data-testid="verify-summary">
            {wordMessage(
              t,
              answer.headlineMessage,
              answer.headline.replace(/^[A-Z ]+: (.)/, (_m, first: string) => first.toUpperCase()),
            )}
          </p>
          {answer.notes?.map((n) => (
            <p key={n.code} data-testid="verify-note">
              {wordMessage(t, n)}
            </p>
          ))}
          {answer.clip && (
            <dl className="details">
              <dt>{t('verify.order')}</dt>
              <dd data-testid="verify-order">{answer.clip.order}</dd>
              <dt>{t('lookup.recorded')}</dt>
              <dd>
                {dateTime(answer.clip.startedAt, i18n.language)}
                {answer.clip.endedAt ? ` – ${dateTime(answer.clip.endedAt, i18n.language)}` : ''}
                {answer.clip.durationMs !== null ? ` (${seconds(answer.clip.durationMs, i18n.language)})` : ''}
              </dd>
              <dt>{t('lookup.station')}</dt>
              <dd>
                {answer.clip.station}
                {answer.clip.operator ? ` · ${answer.clip.operator}` : ''}
              </dd>
              <dt>{t('verify.file')}</dt>
              <dd className="mono">{fileName}</dd>
            </dl>
          )}
          <ul className="checks">
            {answer.checks.map((c, i) => (
              <li key={i} className={`check check-${String(c.ok)}`} data-testid={`verify-check-${c.what}`}>
                <span className="check-mark" aria-hidden="true">
                  {MARK[String(c.ok) as keyof typeof MARK]}
                </span>
                <span>
                  <strong>{t(`verify.what.${c.what}`)}</strong> {wordCheck(t, c)}
                </span>
              </li>
            ))}
          </ul>
          <p className="mono muted">SHA-256 {answer.sha256}</p>
        </section>
      )}
      <section className="verify-station">
        <h2>{t('verify.stationKey')}</h2>
        <p className="mono" data-testid="verify-fingerprint">
          {key?.fingerprintGrouped ?? '…'}
        </p>
        <p className="muted">{t('verify.keyHint')}</p>
        {key?.sealingProblem && (
          <div className="message message-warn" role="alert">
            {key.sealingProblem}
          </div>
        )}
        <button type="button" onClick={() => void checkAll()} disabled={checkingAll} data-testid="verify-all">
          {checkingAll ? t('verify.checkingAll') : t('verify.checkAll')}
        </button>
        {report && (
          <div className={`message ${report.ok ? 'message-info' : 'message-error'}`} data-testid="verify-all-result">
            <p>{report.ok ? t('verify.allOk', { entries: report.entries, clips: report.clips }) : t('verify.allBad', { count: report.problems.length })}</p>
            {report.problems.length > 0 && (
              <ul>
                {report.problems.slice(0, 200).map((p, i) => (
                  <li key={i}>
                    {p.words ? (
                      wordFinding(t, p.kind, p.words)
                    ) : (
                      <>
                        <strong>{p.label}</strong>: {p.message}
                      </>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        <TsaSettings pending={key?.pendingTimestamps ?? null} />
      </section>
    </div>
  );
}
