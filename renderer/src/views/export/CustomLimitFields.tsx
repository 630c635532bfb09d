// The Custom preset's two limits, one field each: every part at most this size and this length.
// A station's export panel and the console's clip page show the same fields with the same labels;
// each keeps the typed text and turns it into the request its own way.
import { useTranslation } from 'react-i18next';
import { InputNumber } from 'antd';

/** The fields' text as typed; empty means no limit. */
export interface CustomLimits {
  mb: string;
  seconds: string;
}

export const CUSTOM_LIMITS_DEFAULT: CustomLimits = { mb: '30', seconds: '60' };

export function CustomLimitFields({
  value,
  onChange,
  disabled,
  testIdPrefix,
}: {
  value: CustomLimits;
  onChange: (next: CustomLimits) => void;
  disabled?: boolean;
  /** `export` on a station, `console-export` on the console: the fields are `<prefix>-custom-mb` and `<prefix>-custom-s`. */
  testIdPrefix: string;
}) {
  const { t } = useTranslation();
  return (
    <>
      <label>
        {t('exportPanel.customMB')}{' '}
        <InputNumber<string>
          stringMode
          min="1"
          step="1"
          value={value.mb || null}
          onChange={(v) => onChange({ ...value, mb: v ?? '' })}
          disabled={disabled}
          data-testid={`${testIdPrefix}-custom-mb`}
        />
      </label>
      <label>
        {t('exportPanel.customSeconds')}{' '}
        <InputNumber<string>
          stringMode
          min="1"
          step="1"
          value={value.seconds || null}
          onChange={(v) => onChange({ ...value, seconds: v ?? '' })}
          disabled={disabled}
          data-testid={`${testIdPrefix}-custom-s`}
        />
      </label>
    </>
  );
}
