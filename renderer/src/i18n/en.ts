// English strings. Every key here must exist in every other language (a test checks).
export const en = {
  app: { title: 'PackWitness' },
  nav: { station: 'Station', lookup: 'Find clips' },
  state: {
    starting: 'Starting…',
    idle: 'Ready — scan a shipping label',
    recording: 'Recording {{order}} for {{time}}',
    error: 'Problem',
    saving: 'saving {{count}} clip(s)…',
  },
  station: {
    scanPlaceholder: 'Scan or type an order code, then Enter',
    stop: 'Stop',
    today: 'Today',
    todaySummary: '{{count}} orders, average {{avg}}',
    noClipsToday: 'No clips yet today.',
    noPreview: 'No camera picture',
    mode: { shipping: 'Shipping', returns: 'Returns' },
  },
  lookup: {
    search: 'Order code or part of it',
    from: 'From',
    to: 'To',
    find: 'Find',
    results: '{{count}} clip(s)',
    none: 'No clips match.',
    play: 'Play',
    close: 'Close',
    duration: 'Duration',
    recorded: 'Recorded',
    station: 'Station',
    sha256: 'SHA-256',
    status: 'Status',
    file: 'File',
  },
  status: { ok: 'OK', recovered: 'Recovered', interrupted: 'Interrupted', failed: 'Failed' },
};

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
export type Messages = Widen<typeof en>;
