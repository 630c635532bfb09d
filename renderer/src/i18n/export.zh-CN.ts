// 申诉导出面板的简体中文（第 4、9 号需求）；并入 zh-CN.ts。键必须与 export.en.ts 完全一致。
import type { exportEn } from './export.en.ts';

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

export const exportZhCN: Widen<typeof exportEn> = {
  exportPanel: {
    title: '导出申诉材料',
    channel: '平台',
    unknownLimits: '该平台未公布限制，使用保守的默认值。',
    form: '导出内容',
    formVideo: '视频',
    formStills: '关键帧图片 + PDF',
    fit: '视频超长时',
    fitParts: '分成连续的几段（不剪辑）',
    fitSpeed: '加速播放（标记为剪辑）',
    fitTrim: '只保留开头',
    customMB: '大小上限（MB）',
    customSeconds: '时长上限（秒）',
    range: '裁剪（视频中的秒数）',
    rangeFrom: '从',
    rangeTo: '到',
    expected: '预计：{{what}}，约 {{size}}',
    parts: '{{count}} 段',
    stills: '{{count}} 张图片',
    original: '原始录像本身',
    planning: '正在计算大小…',
    start: '导出',
    cancel: '取消',
    percent: '{{percent}} %',
    left: '剩余 {{time}}',
    status: { queued: '等待中', running: '导出中', done: '完成', failed: '失败', cancelled: '已取消' },
    files: '下载',
    batch: '批量导出多个订单',
    batchHint: '粘贴订单号，每行一个（也可用逗号或空格分隔）。',
    batchStart: '全部导出',
    batchSummary: '已导出 {{done}} / {{total}}，失败 {{failed}}',
    refused: '{{order}}：{{reason}}',
    fromPlayer: '播放器当前位置',
    addMoment: '添加播放器当前画面',
    moments: '已选画面（点击可移除）：',
    autoMoments: '未选择画面：将自动选取面单、装箱过程和封箱画面。',
  },
};
