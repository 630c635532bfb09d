// For a typed code (a damaged label) or a scanner when the box has focus.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

export function ScanBox({ onScan }: { onScan: (code: string) => void }) {
  const { t } = useTranslation();
  const [value, setValue] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (value.trim()) onScan(value);
    setValue('');
  };
  return (
    <form className="scan-box" onSubmit={submit}>
      <input
        data-scan-input=""
        data-testid="scan-input"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        placeholder={t('station.scanPlaceholder')}
        aria-label={t('station.scanPlaceholder')}
        autoComplete="off"
        spellCheck={false}
      />
    </form>
  );
}
