// The printable control-code sheet (A4): STOP, DISCARD, mode switches and operator badges, each
// as a QR code and a Code 128 barcode, so the packer drives the station by scanning alone — any
// scanner reads one or the other. Payloads use the reserved 'PW:' prefix (shared/stationMachine.ts),
// which no shipping label can contain.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CONTROL } from '../../../shared/stationMachine.ts';
import { api } from '../api/index.ts';
import { Code128, code128Possible } from '../components/Code128.tsx';
import { QrCode } from '../components/QrCode.tsx';

interface SheetCode {
  id: string;
  payload: string;
  title: string;
  hint: string;
}

export function ControlSheetView() {
  const { t } = useTranslation();
  const [operators, setOperators] = useState<string[]>([]);
  const [station, setStation] = useState('');
  useEffect(() => {
    api['settings.get']({}).then(
      (s) => {
        setOperators(s.operators);
        setStation(s.stationName);
      },
      () => {},
    );
  }, []);
  const codes: SheetCode[] = [
    { id: 'stop', payload: CONTROL.stop, title: t('sheet.stop'), hint: t('sheet.stopHint') },
    { id: 'shipping', payload: CONTROL.shipping, title: t('sheet.shipping'), hint: t('sheet.shippingHint') },
    { id: 'returns', payload: CONTROL.returns, title: t('sheet.returns'), hint: t('sheet.returnsHint') },
    { id: 'op-out', payload: CONTROL.operatorOut, title: t('sheet.operatorOut'), hint: t('sheet.operatorOutHint') },
    // A name a keyboard-wedge scanner cannot type (Chinese, accents) gets an ASCII badge instead.
    ...operators.map((name, i) => ({
      id: `op-${i}`,
      payload: code128Possible(name) ? CONTROL.operatorIn(name) : CONTROL.operatorHash(name),
      title: name,
      hint: t('sheet.operatorHint'),
    })),
    // Last on the page, as far from STOP as the sheet allows: a scanner aimed at STOP never reads it.
    { id: 'discard', payload: CONTROL.discard, title: t('sheet.discard'), hint: t('sheet.discardHint') },
  ];
  return (
    <div className="sheet-wrap">
      <div className="sheet-tools no-print">
        <button type="button" className="primary" onClick={() => window.print()} data-testid="print-sheet">
          {t('sheet.print')}
        </button>
        <span className="muted">{t('sheet.operatorsFromSettings')}</span>
      </div>
      <article className="a4-sheet" data-testid="control-sheet">
        <header>
          <h1>{t('sheet.title')}</h1>
          <span>{station}</span>
        </header>
        {codes.map((c) => (
          <section key={c.id} className={`sheet-code sheet-${c.id}`} data-testid={`sheet-${c.id}`}>
            <div className="sheet-label">
              <strong>{c.title}</strong>
              <small>{c.hint}</small>
              <code>{c.payload}</code>
            </div>
            <QrCode text={c.payload} size={110} />
            {code128Possible(c.payload) ? <Code128 text={c.payload} height={70} /> : <small className="muted">{t('sheet.qrOnly')}</small>}
          </section>
        ))}
      </article>
    </div>
  );
}
