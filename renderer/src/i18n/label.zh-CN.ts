// 用摄像头读取面单的简体中文。键必须与 label.en.ts 完全一致（有测试检查）。
import type { labelEn } from './label.en.ts';

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

export const labelZhCN: Widen<typeof labelEn> = {
  label: {
    recording: '正在录制 {{order}} —— 摄像头读取。',
    recordingReturn: '正在录制退货 {{order}} —— 摄像头读取。',
    readByCamera: '摄像头读取',
    mismatch: '画面中出现面单 {{code}}，但本段视频归档在 {{order}} 下。请核对正在打包的是哪个包裹。',
    productIgnored: '画面中的 {{code}} 是商品条码，未采用。',
    unknownIgnored: '画面中的 {{code}} 不是本台认识的快递面单，未采用。',
    seenAt: '面单出现于 {{time}}',
    notSeen: '摄像头未看到面单',
    mismatchShort: '画面中有其他面单：{{codes}}',
  },
  labelSettings: {
    title: '用摄像头读取面单',
    reading: '摄像头读码',
    off: '关闭',
    camera: '开启，仅用摄像头',
    beside: '开启，与扫码枪并用（扫码枪开始的视频不会被摄像头切换）',
    formats: '读取的条码',
    formatsHint: '大多数快递单号使用 Code 128 和 Code 39。EAN、UPC、ITF（商品、外箱）永不读取。',
    rate: '每秒读取次数',
    repeatStops: '同一面单再次出现（离开画面 3 秒后）即停止录制',
    region: '读取区域',
    regionWhole: '整个画面',
    regionDraw: '在预览上拖动，画出摄像头读取的区域',
    regionClear: '读取整个画面',
  },
};
