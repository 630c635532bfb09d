// Verify on demand on the clip page: the hub re-checks the stored clip and answers with a
// station's verdict lines (worded here in the page's language from their message codes), and the
// holes in that station's chain near the clip.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, Button } from 'antd';
import type { ConsoleClip, ConsoleHole, ConsoleVerifyAnswer } from '../../../shared/consoleWire.ts';
import { wordCheck, wordMessage } from '../i18n/message.ts';
import { consoleApi } from './api.ts';

const MARK = { true: '✔', false: '✘', null: '–' } as const;

export function ClipVerify({ clip }: { clip: ConsoleClip }) {
  const { t, i18n } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ConsoleVerifyAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const when = (ms: number | null) =>
    ms === null ? t('consoleClip.holeOpen') : new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(ms));

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await consoleApi.verify(clip.station, clip.clipId));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const answer = result?.answer;
  return (
    <section style={{ marginTop: 16 }} data-testid="console-verify">
      <Button onClick={() => void run()} loading={busy} data-testid="console-verify-run">
        {busy ? t('consoleClip.verifying') : t('consoleClip.verify')}
      </Button>
      {error && <Alert type="error" message={error} style={{ marginTop: 8 }} />}
      {answer && result && (
        <div className={`verdict verdict-${answer.verdict}`} data-testid="console-verify-result" data-verdict={answer.verdict} style={{ marginTop: 8 }}>
          <h3 data-testid="console-verify-headline">{t(`verify.verdict.${answer.verdict}`)}</h3>
          <p data-testid="console-verify-summary">
            {wordMessage(
              t,
              answer.headlineMessage,
              answer.headline.replace(/^[A-Z ]+: (.)/, (_m, first: string) => first.toUpperCase()),
            )}
          </p>
          {answer.notes?.map((n) => (
            <p key={n.code}>{wordMessage(t, n)}</p>
          ))}
          <ul className="checks">
            {answer.checks.map((c, i) => (
              <li key={i} className={`check check-${String(c.ok)}`} data-testid={`console-verify-check-${c.what}`} data-ok={String(c.ok)}>
                <span className="check-mark" aria-hidden="true">
                  {MARK[String(c.ok) as keyof typeof MARK]}
                </span>
                <span>
                  <strong>{t(`verify.what.${c.what}`)}</strong> {wordCheck(t, c)}
                </span>
              </li>
            ))}
          </ul>
          <Holes holes={result.holes} when={when} />
          <p className="muted">{t('consoleClip.verifiedAt')}</p>
        </div>
      )}
    </section>
  );
}

function Holes({ holes, when }: { holes: ConsoleHole[]; when: (ms: number | null) => string }) {
  const { t } = useTranslation();
  if (!holes.length) return <p data-testid="console-verify-holes">{t('consoleClip.holesNone')}</p>;
  return (
    <div data-testid="console-verify-holes">
      <strong>{t('consoleClip.holesTitle')}</strong>
      <ul>
        {holes.map((h) => (
          <li key={`${h.fromSeq}-${h.toSeq}`} data-testid="console-verify-hole">
            {t('consoleClip.hole', { from: h.fromSeq, to: h.toSeq, span: t('consoleClip.holeSpan', { from: when(h.fromTime), to: when(h.toTime) }) })}
            {h.reason ? ` ${t('consoleClip.holeReason', { reason: h.reason })}` : ''}
          </li>
        ))}
      </ul>
    </div>
  );
}
