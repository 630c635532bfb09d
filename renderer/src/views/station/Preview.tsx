import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

/** The processed stream: the packer sees the overlay exactly as it is recorded. */
export function Preview({ stream }: { stream: MediaStream | null }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.srcObject = stream;
  }, [stream]);
  return (
    <div className="preview">
      {stream ? <video ref={ref} autoPlay muted playsInline data-testid="preview" /> : <div className="no-preview">{t('station.noPreview')}</div>}
    </div>
  );
}
