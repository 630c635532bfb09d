// The order box: what a person types shows here (useScanner moves typing on the page into it) and
// Enter submits it as a typed code, under the same rules as a scan. A scanner burst that lands here
// is taken out again by useScanner and handled as a scan.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

export function ScanBox({ onTyped, onEdit }: { onTyped: (code: string) => void; onEdit?: () => void }) {
  const { t } = useTranslation();
  const [value, setValue] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (value.trim()) onTyped(value);
    setValue('');
  };
  return (
    <form className="scan-box" onSubmit={submit}>
      <input
        data-scan-input=""
        data-testid="scan-input"
        value={value}
        onChange={(e) => {
          setValue(e.target.value);
          onEdit?.();
        }}
        placeholder={t('station.scanPlaceholder')}
        aria-label={t('station.scanPlaceholder')}
        autoComplete="off"
        spellCheck={false}
      />
    </form>
  );
}
