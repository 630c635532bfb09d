// English strings of the station's link to a warehouse hub (issue 16); spread into en.ts. Keys must
// match hub.zh-CN.ts exactly (a test checks).
export const hubEn = {
  hub: {
    title: 'Warehouse hub',
    intro:
      'Enrolled with a hub, this station sends every sealed clip and every chain entry there, and deletes a clip for space or age only after the hub has confirmed it holds it.',
    notEnrolled: 'Not enrolled: clips stay on this station only.',
    url: 'Hub address',
    urlPlaceholder: 'http://192.168.1.20:7480',
    code: 'Enrollment code (type it or scan it)',
    codeHint:
      'Made on the hub with `packwitness hub enroll-code`; it is used once and lasts 24 hours. Its last part names the hub key: a look-alike server gets nothing.',
    enroll: 'Enroll this station',
    enrollAgain: 'Enroll with another code',
    enrolled: 'Enrolled with {{name}} at {{url}}',
    fingerprint: 'Pinned hub key: {{fp}}',
    depth: 'Waiting to be published: {{n}} clip(s)',
    depthNone: 'Every sealed clip is on the hub.',
    oldest: 'Oldest not yet published: recorded {{time}}',
    chainBehind: 'Chain entries not yet sent: {{n}}',
    refused: 'Refused by the hub: {{n}} clip(s), kept on this station',
    lastSuccess: 'Last success: {{time}}',
    never: 'no success yet',
    lastError: 'Last error ({{time}}): {{what}}',
    errors: {
      unreachable: 'the hub cannot be reached; the clips wait here and are sent when it answers',
      impostor: 'a server at the hub address could not prove it is the pinned hub (an impostor?); nothing was sent to it',
      unauthorized: 'the hub no longer accepts this station; enroll it again with a new code',
      refused: 'the hub refused a clip or chain entry as not matching its seal; this station keeps it',
      'bad-response': 'the hub answered something this station cannot read',
      other: 'publishing failed',
    },
    busy: 'Enrolling…',
    done: 'Enrolled. Publishing starts now.',
  },
};
