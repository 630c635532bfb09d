// English strings of the evidence player; spread into en.ts. Keys must match player.zh-CN.ts.
export const playerEn = {
  player: {
    controls: 'Player controls',
    play: 'Play',
    pause: 'Pause',
    prevFrame: 'One frame back (, or ←)',
    nextFrame: 'One frame forward (. or →)',
    position: 'Position in the clip',
    speed: 'Speed',
    zoom: 'Zoom',
    zoomHint: 'Click the picture to look there (+ and - zoom).',
  },
};
