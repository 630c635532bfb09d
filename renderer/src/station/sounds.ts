// Feedback a packer hears without looking: one short, distinct pattern per event, made with
// WebAudio (no sound files to ship or lose). Start rises, stop falls, a switch is a quick triple,
// a warning is two mid beeps, an error a low buzz — different in pitch AND rhythm, so they are
// told apart in a loud room and by people who hear some frequencies poorly.
export type Cue = 'start' | 'stop' | 'switch' | 'warning' | 'error';

type Note = [freqHz: number, startS: number, lengthS: number, wave?: OscillatorType];

export const CUES: Record<Cue, Note[]> = {
  start: [
    [660, 0, 0.09],
    [990, 0.1, 0.14],
  ],
  stop: [
    [990, 0, 0.09],
    [660, 0.1, 0.16],
  ],
  switch: [
    [880, 0, 0.06],
    [880, 0.09, 0.06],
    [1175, 0.18, 0.1],
  ],
  warning: [
    [740, 0, 0.12, 'square'],
    [740, 0.2, 0.12, 'square'],
  ],
  error: [[196, 0, 0.45, 'sawtooth']],
};

let ctx: AudioContext | null = null;
// A running AudioContext renders silence all day (an audio thread in the page and an output stream
// in Chromium's audio service: ~0.6 CPU s per minute of a station's ~15, `npm run bench`), so it
// is suspended once a cue has finished and resumed by the next one.
let sleepTimer: ReturnType<typeof setTimeout> | null = null;
/** For tests: every cue played, in order. */
export const playedCues: Cue[] = [];

export function playCue(cue: Cue, volume = 0.25): void {
  playedCues.push(cue);
  if (playedCues.length > 100) playedCues.shift();
  try {
    ctx ??= new AudioContext();
    // A page that has not been clicked yet may start suspended; a scan is a key press, which lets it resume.
    if (ctx.state === 'suspended') void ctx.resume();
    const t0 = ctx.currentTime + 0.01;
    for (const [freq, start, len, wave = 'sine'] of CUES[cue]) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = wave;
      osc.frequency.value = freq;
      // Short ramps in and out: no clicks.
      gain.gain.setValueAtTime(0, t0 + start);
      gain.gain.linearRampToValueAtTime(volume, t0 + start + 0.01);
      gain.gain.setValueAtTime(volume, t0 + start + len - 0.02);
      gain.gain.linearRampToValueAtTime(0, t0 + start + len);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t0 + start);
      osc.stop(t0 + start + len + 0.01);
    }
    if (sleepTimer) clearTimeout(sleepTimer);
    const endS = Math.max(...CUES[cue].map(([, start, len]) => start + len));
    const c = ctx;
    sleepTimer = setTimeout(() => void c.suspend().catch(() => {}), (endS + 0.5) * 1000);
  } catch {
    // No audio device: the colour and the message still tell the packer.
  }
}
