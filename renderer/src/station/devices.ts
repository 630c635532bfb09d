// The cameras this browser can see. Labels are empty until camera permission was granted once;
// the station view asks for it, so by the time settings are opened the names are usually there.
import { useEffect, useState } from 'react';

export interface CameraDevice {
  deviceId: string;
  label: string;
}

export function useCameras(): CameraDevice[] {
  const [list, setList] = useState<CameraDevice[]>([]);
  useEffect(() => {
    const md = navigator.mediaDevices;
    if (!md?.enumerateDevices) return;
    const load = () =>
      md.enumerateDevices().then(
        (all) =>
          setList(all.filter((d) => d.kind === 'videoinput' && d.deviceId).map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Camera ${i + 1}` }))),
        () => setList([]),
      );
    void load();
    md.addEventListener('devicechange', load);
    return () => md.removeEventListener('devicechange', load);
  }, []);
  return list;
}
