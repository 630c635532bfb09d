// English strings of a clip's frame-counter continuity (lookup details, the verify view's line);
// spread into en.ts. Keys must match continuity.zh-CN.ts exactly (a test checks).
export const continuityEn = {
  continuity: {
    title: 'Frames',
    pending: "No record yet: the station reads the frame counter back from the file shortly after sealing (a file without the station's counter gets none).",
    continuous: 'Continuous: the frame counter runs without a gap through all {{frames}} frames (checked by the station {{when}}).',
    unreadable: 'The station could not read the frame counter in this clip ({{frames}} frames).',
    gap: {
      'encoder-under-load': '{{count}} frame(s) dropped by the encoder under load at {{at}} (after frame {{after}}); recorded by the station {{when}}.',
      encoder: "{{count}} frame(s) dropped by the encoder at {{at}} (after frame {{after}}), found by the station's read-back; recorded {{when}}.",
      'page-hidden': '{{count}} frame(s) not recorded while the station page was hidden, at {{at}} (after frame {{after}}); recorded by the station {{when}}.',
    },
    stall: {
      'camera-stalled':
        'The picture stands still for {{seconds}} s at {{at}}: the camera gave no picture (no frame missing); recorded by the station {{when}}.',
      'page-hidden': 'The picture stands still for {{seconds}} s at {{at}}: the station page was hidden (no frame missing); recorded by the station {{when}}.',
      'no-frames': 'The picture stands still for {{seconds}} s at {{at}}: no frame came from the camera (no frame missing); recorded by the station {{when}}.',
    },
  },
};
