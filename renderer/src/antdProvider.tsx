// Ant Design's own words (date pickers, empty lists, pagination) follow the UI language, so the
// Chinese UI shows 年/月/日 and Chinese month names where a native date input shows mm/dd/yyyy.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';

export function AntdProvider({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  const zh = i18n.language === 'zh-CN';
  // The date pickers' calendars take month and weekday names from dayjs's global locale.
  dayjs.locale(zh ? 'zh-cn' : 'en');
  return (
    <ConfigProvider locale={zh ? zhCN : enUS} theme={{ token: { fontFamily: 'inherit' } }} button={{ autoInsertSpace: false }}>
      {children}
    </ConfigProvider>
  );
}
