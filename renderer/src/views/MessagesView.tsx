// Every message code the engine can send (shared/messages.ts), worded by the UI formatter in the
// current language, with placeholder data. Not in the nav (#/messages): for whoever checks a
// translation, and for the end-to-end test that reads every code on screen in both languages.
import { useTranslation } from 'react-i18next';
import { MESSAGES, placeholdersOf, type MessageCode } from '../../../shared/messages.ts';
import { wordMessage } from '../i18n/message.ts';

const codes = Object.keys(MESSAGES) as MessageCode[];

export function MessagesView() {
  const { t } = useTranslation();
  return (
    <div className="messages-view">
      <table data-testid="message-catalogue">
        <tbody>
          {codes.map((code) => {
            const params = Object.fromEntries(placeholdersOf(MESSAGES[code]).map((p) => [p, `‹${p}›`]));
            return (
              <tr key={code} data-code={code} data-params={Object.keys(params).join(' ')}>
                <td className="mono">{code}</td>
                <td data-testid="message-text">{wordMessage(t, { code, params })}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
