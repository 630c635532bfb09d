// English strings of reading the label with the camera; spread into en.ts. Keys must
// match label.zh-CN.ts exactly (a test checks).
export const labelEn = {
  label: {
    recording: 'Recording {{order}} — read by camera.',
    recordingReturn: 'Recording the return of {{order}} — read by camera.',
    readByCamera: 'read by camera',
    mismatch: 'Label {{code}} is in the picture, but this clip is filed under {{order}}. Check which parcel is being packed.',
    productIgnored: '{{code}} in the picture is a product barcode: not taken.',
    unknownIgnored: '{{code}} in the picture is no shipping label this station knows: not taken.',
    seenAt: 'label seen at {{time}}',
    notSeen: 'label not seen by the camera',
    mismatchShort: 'other label in the picture: {{codes}}',
  },
  labelSettings: {
    title: 'Reading the label with the camera',
    reading: 'Camera reading',
    off: 'Off',
    camera: 'On, the camera is the only input',
    beside: 'On, beside a scanner (a scanned clip is never switched by the camera)',
    formats: 'Barcodes read',
    formatsHint: 'Code 128 and Code 39 carry most carriers’ numbers. EAN, UPC and ITF (products, cartons) are never read.',
    rate: 'Reads per second',
    repeatStops: 'The same label shown again (after 3 s out of the picture) stops the clip',
    region: 'Read region',
    regionWhole: 'Whole picture',
    regionDraw: 'Drag on the preview to draw the region the camera reads',
    regionClear: 'Read the whole picture',
  },
};
