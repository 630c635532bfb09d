// 视频帧计数连续性的中文文本；键与 continuity.en.ts 完全一致（有测试检查）。
export const continuityZhCN = {
  continuity: {
    title: '帧',
    pending: '尚无记录：封存后不久，打包台会从文件中读回帧计数（没有打包台帧计数的文件不会有记录）。',
    continuous: '连续：帧计数在全部 {{frames}} 帧中没有缺口（打包台于 {{when}} 检查）。',
    unreadable: '打包台无法读取此视频的帧计数（{{frames}} 帧）。',
    gap: {
      'encoder-under-load': '在 {{at}}（第 {{after}} 帧之后）编码器在高负载下丢弃了 {{count}} 帧；打包台于 {{when}} 记录。',
      encoder: '在 {{at}}（第 {{after}} 帧之后）编码器丢弃了 {{count}} 帧，由打包台读回文件时发现；于 {{when}} 记录。',
      'page-hidden': '在 {{at}}（第 {{after}} 帧之后）打包台页面被隐藏，{{count}} 帧未录入；打包台于 {{when}} 记录。',
    },
    stall: {
      'camera-stalled': '画面在 {{at}} 停顿 {{seconds}} 秒：摄像头没有画面（没有缺帧）；打包台于 {{when}} 记录。',
      'page-hidden': '画面在 {{at}} 停顿 {{seconds}} 秒：打包台页面被隐藏（没有缺帧）；打包台于 {{when}} 记录。',
      'no-frames': '画面在 {{at}} 停顿 {{seconds}} 秒：摄像头没有送来画面（没有缺帧）；打包台于 {{when}} 记录。',
    },
  },
};
