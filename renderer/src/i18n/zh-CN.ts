import type { Messages } from './en.ts';

// 简体中文。键必须与 en.ts 完全一致（有测试检查）。
export const zhCN: Messages = {
  app: { title: 'PackWitness 打包见证' },
  nav: { station: '打包台', lookup: '查找视频' },
  state: {
    starting: '正在启动…',
    idle: '就绪 — 请扫描快递面单',
    recording: '正在录制 {{order}}，已录 {{time}}',
    error: '出现问题',
    saving: '正在保存 {{count}} 段视频…',
  },
  station: {
    scanPlaceholder: '扫描或输入订单号，然后按回车',
    stop: '停止',
    today: '今天',
    todaySummary: '{{count}} 单，平均 {{avg}}',
    noClipsToday: '今天还没有视频。',
    noPreview: '没有摄像头画面',
    mode: { shipping: '发货', returns: '退货' },
  },
  lookup: {
    search: '订单号或其中一部分',
    from: '从',
    to: '到',
    find: '查找',
    results: '{{count}} 段视频',
    none: '没有匹配的视频。',
    play: '播放',
    close: '关闭',
    duration: '时长',
    recorded: '录制时间',
    station: '打包台',
    sha256: 'SHA-256',
    status: '状态',
    file: '文件',
  },
  status: { ok: '正常', recovered: '已恢复', interrupted: '已中断', failed: '失败' },
};
