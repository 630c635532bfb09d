// 证据播放器的中文文本；并入 zh-CN.ts。键必须与 player.en.ts 一致。
export const playerZhCN = {
  player: {
    controls: '播放控制',
    play: '播放',
    pause: '暂停',
    prevFrame: '后退一帧（, 或 ←）',
    nextFrame: '前进一帧（. 或 →）',
    position: '片段中的位置',
    speed: '速度',
    zoom: '放大',
    zoomHint: '点击画面查看该处（+ 和 - 调整放大）。',
  },
};
