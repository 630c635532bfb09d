// The Electron security checklist, as functions of the Electron objects they configure, so the
// unit tests hand them fakes and assert the exact decisions. The window holds a camera and the
// station's signing key: the page may load nothing but our own app:// pages, may open nothing,
// and gets the camera (and the microphone only when the station's settings allow it) — nothing else.
import type { App, Session, WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../doors/mime.ts';
import { isAppUrl } from './protocol.ts';

/** Permissions our own page may have besides media: copying an order code or a link. */
const HARMLESS = new Set(['clipboard-sanitized-write', 'fullscreen']);

export interface PermissionPolicy {
  /** Read at each request, so turning the setting off takes effect at once. */
  allowMicrophone: () => boolean;
}

/** Media types a page asks for; 'unknown' (from a check without detail) counts as the camera. */
function mediaAllowed(types: ReadonlyArray<string>, policy: PermissionPolicy): boolean {
  if (types.length === 0) return true; // enumerateDevices and friends, no capture
  return types.every((t) => t === 'video' || t === 'unknown' || (t === 'audio' && policy.allowMicrophone()));
}

export function decidePermission(
  permission: string,
  requestingUrl: string | null | undefined,
  mediaTypes: ReadonlyArray<string>,
  policy: PermissionPolicy,
): boolean {
  if (!isAppUrl(requestingUrl)) return false;
  if (permission === 'media') return mediaAllowed(mediaTypes, policy);
  return HARMLESS.has(permission);
}

/** Permission request (prompt) and check (query) handlers, plus denial of device pickers. */
export function installPermissionHandlers(session: Session, policy: PermissionPolicy): void {
  session.setPermissionRequestHandler((webContents, permission, callback, details) => {
    const types = 'mediaTypes' in details && Array.isArray(details.mediaTypes) ? details.mediaTypes : [];
    // The frame that asks must be ours, and so must the page it sits in.
    const ok = decidePermission(permission, details.requestingUrl, types, policy) && isAppUrl(webContents.getURL());
    callback(ok);
  });
  session.setPermissionCheckHandler((webContents, permission, requestingOrigin, details) => {
    const url = details.requestingUrl ?? requestingOrigin;
    const types = details.mediaType ? [details.mediaType] : [];
    if (webContents && !isAppUrl(webContents.getURL())) return false;
    return decidePermission(permission, url, types, policy);
  });
  // WebHID/WebUSB/WebSerial: scanners work as keyboards; no page needs raw devices.
  session.setDevicePermissionHandler(() => false);
}

/** Our CSP on every response the session receives, on top of the one app:// pages carry. */
export function installCsp(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...(details.responseHeaders ?? {}) };
    for (const k of Object.keys(headers)) if (k.toLowerCase() === 'content-security-policy') delete headers[k];
    headers['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
    callback({ responseHeaders: headers });
  });
}

/** No navigation away from our pages, no new windows, no <webview>. */
export function lockDownContents(contents: WebContents): void {
  const guard = (event: { preventDefault: () => void }, url: string): void => {
    if (!isAppUrl(url)) event.preventDefault();
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-frame-navigate', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** Applies lockDownContents to every web contents the app ever creates (devtools included). */
export function lockDownAllContents(app: Pick<App, 'on'>): void {
  app.on('web-contents-created', (_event, contents) => lockDownContents(contents));
}
