// The free-space reserve and retention, as `packwitness serve --reserve-mb/--keep-days` set them.
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Settings } from '../../../../shared/contract.ts';
import { api } from '../../api/index.ts';

export function StorageSettings({ onSaved }: { onSaved: () => void }) {
  const { t } = useTranslation();
  const [s, setS] = useState<Settings | null>(null);
  const [reserve, setReserve] = useState('');
  const [days, setDays] = useState('0');
  const [forSpace, setForSpace] = useState(true);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    void api['settings.get']({}).then((v) => {
      setS(v);
      setReserve(v.reserveMb === null ? '' : String(v.reserveMb));
      setDays(String(v.keepDays));
      setForSpace(v.deleteOldestForSpace);
    });
  }, []);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const next = await api['settings.update']({
        reserveMb: reserve.trim() === '' ? null : Number(reserve),
        keepDays: Number(days),
        deleteOldestForSpace: forSpace,
      });
      setS(next);
      setMsg({ ok: true, text: t('storage.saved') });
      onSaved();
    } catch (err) {
      setMsg({ ok: false, text: (err as Error).message });
    }
  };
  if (!s) return null;
  return (
    <form className="storage-settings" onSubmit={(e) => void save(e)} data-testid="storage-settings">
      <h2>{t('storage.title')}</h2>
      <label>
        {t('storage.reserve')}{' '}
        <input inputMode="numeric" value={reserve} onChange={(e) => setReserve(e.target.value)} placeholder={t('storage.auto')} data-testid="reserve-mb" /> MB
      </label>
      <label>
        {t('storage.keepDays')} <input inputMode="numeric" value={days} onChange={(e) => setDays(e.target.value)} data-testid="keep-days" />
      </label>
      <label>
        <input type="checkbox" checked={forSpace} onChange={(e) => setForSpace(e.target.checked)} data-testid="delete-for-space" /> {t('storage.forSpace')}
      </label>
      <button type="submit">{t('storage.save')}</button>
      {msg && <div className={msg.ok ? 'message message-info' : 'message message-error'} role="status">{msg.text}</div>}
    </form>
  );
}
