/**
 * netlab 的界面文字（简体中文）。Keys come from the English catalogue: a key that is not
 * there does not compile; one that is missing here falls back to English, and the i18n
 * contract test lists it. Terms follow docs/glossary.zh-CN.md.
 */
import type { Translation } from '../messages.js';

export const zhCN = {
  'lab.unknown': '没有名为 "{lab}" 的实验。运行 `netlab list` 查看所有实验。',
  'lab.unknownDidYouMean': '没有名为 "{lab}" 的实验。你是想输入 "{guess}" 吗？运行 `netlab list` 查看所有实验。',
  'lab.unsupported': '本机无法运行：{reason}',
  'list.empty': '没有找到任何实验',
  'grade.notStarted': '{lab}：尚未开始（用 `netlab init` 创建 {file}）',
  'grade.checks': { other: '{count} 项检查' },
  'grade.points': { other: '{count} 分' },
  'hint.none': '{lab} 没有提示。',
  'hint.allShown': '{lab} 的 {count} 条提示已全部显示。',
  'language.fallback': '这段文字还没有翻译，先显示英文',
} satisfies Translation;
