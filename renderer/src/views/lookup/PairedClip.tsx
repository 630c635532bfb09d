// Returns next to shipping: when the selected clip's order also has a clip of the other mode (the
// packing of an order and the unboxing of its return), that clip plays beside it, so a dispute
// ("it was sent complete" / "it came back empty") is judged on both videos at once.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Clip } from '../../../../shared/contract.ts';
import { api } from '../../api/index.ts';
import { ClipPlayer } from './ClipPlayer.tsx';

export function PairedClip({ clip }: { clip: Clip }) {
  const { t } = useTranslation();
  const [other, setOther] = useState<Clip | null>(null);
  const [hidden, setHidden] = useState(false);
  useEffect(() => {
    let live = true;
    setOther(null);
    setHidden(false);
    const mode = clip.mode === 'shipping' ? 'returns' : 'shipping';
    api['clips.search']({ q: clip.order, mode, limit: 50 }).then(
      (r) => live && setOther(r.clips.filter((c) => c.order === clip.order).sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0] ?? null),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [clip.id, clip.order, clip.mode]);
  if (!other || hidden) return null;
  return (
    <div className="paired" data-testid="paired-clip" data-mode={other.mode}>
      <p className="pair-label">{t(other.mode === 'returns' ? 'lookup.pairedReturn' : 'lookup.pairedShipping')}</p>
      <ClipPlayer clip={other} onClose={() => setHidden(true)} />
    </div>
  );
}
