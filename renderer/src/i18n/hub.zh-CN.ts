// 工作站与仓库中心（hub，issue 16）连接的简体中文。键必须与 hub.en.ts 完全一致（有测试检查）。
import type { hubEn } from './hub.en.ts';

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

export const hubZhCN: Widen<typeof hubEn> = {
  hub: {
    title: '仓库中心（hub）',
    intro: '登记到中心后，本工作站会把每段已封存的视频和每条监管链记录发送到中心；只有中心确认已收到后，才会因空间或保存期限删除本地视频。',
    notEnrolled: '未登记：视频只保存在本工作站。',
    url: '中心地址',
    urlPlaceholder: 'http://192.168.1.20:7480',
    code: '登记码（手动输入或扫码）',
    codeHint: '在中心上用 `packwitness hub enroll-code` 生成；只能使用一次，24 小时内有效。最后一段标明中心的密钥：冒充的服务器什么也拿不到。',
    enroll: '登记本工作站',
    enrollAgain: '用新的登记码重新登记',
    enrolled: '已登记到 {{name}}（{{url}}）',
    fingerprint: '已锁定的中心密钥：{{fp}}',
    depth: '等待发送：{{n}} 段视频',
    depthNone: '所有已封存的视频都已在中心。',
    oldest: '最早未发送的视频录制于 {{time}}',
    chainBehind: '尚未发送的监管链记录：{{n}} 条',
    refused: '被中心拒收：{{n}} 段视频，保留在本工作站',
    lastSuccess: '上次成功：{{time}}',
    never: '尚未成功过',
    lastError: '上次错误（{{time}}）：{{what}}',
    errors: {
      unreachable: '无法连接中心；视频在本地等待，中心恢复后自动发送',
      impostor: '中心地址上的服务器无法证明它是已锁定的中心（可能是冒充者）；没有向它发送任何内容',
      unauthorized: '中心不再接受本工作站；请用新的登记码重新登记',
      refused: '中心认为某段视频或监管链记录与封存不符而拒收；本工作站保留原件',
      'bad-response': '中心的回复无法识别',
      other: '发送失败',
    },
    busy: '正在登记…',
    done: '已登记，开始发送。',
  },
};
