/**
 * netlab 的界面文字（简体中文）。Keys come from the English catalogue: a key that is not
 * there does not compile; one that is missing here falls back to English, and the i18n
 * contract test lists it. Terms follow docs/glossary.zh-CN.md.
 */
import type { Translation } from '../messages.js';

export const zhCN = {
  'lab.unknown': '没有名为 "{lab}" 的实验。运行 `netlab list` 查看所有实验。',
  'lab.unknownDidYouMean': '没有名为 "{lab}" 的实验。你是想输入 "{guess}" 吗？运行 `netlab list` 查看所有实验。',
  'start.unknown': '没有名为 "{id}" 的实验或命令。运行 `netlab --help` 或 `netlab list`。',
  'start.unknownDidYouMean': '没有名为 "{id}" 的实验或命令。你是想输入 "{guess}" 吗？运行 `netlab --help` 或 `netlab list`。',
  'start.oneLab': 'netlab start 只打开一个实验，却收到了 "{got}"。你是想输入 `netlab run {id}` 吗？',
  'lab.unsupported': '本机无法运行：{reason}',
  'list.empty': '没有找到任何实验',
  // 9 columns each (a CJK character takes two).
  'list.status.new': '○ 未开始 ',
  'list.status.started': '◐ 进行中 ',
  'list.status.passed': '● 已通过 ',
  'list.footer': '已通过 {passed}/{total}。试试：netlab run {lab}   ·   netlab init   ·   netlab grade',
  'hint.none': '实验 {lab} 没有提示',
  'hint.heading': '提示 {n}/{count}',
  'hint.last': '这是最后一条提示。你的练习通过之后，`netlab solution {lab}` 会显示参考答案。',
  'hint.more': '还是卡住了？再运行一次 `netlab hint {lab}` 会显示下一条。',
  'hint.noWorkspace': '（{dir} 处没有工作区，netlab 无法记住你看过哪些提示：用 `netlab init` 创建它。）',
  'run.badSet': '--set 的格式是 key=value，收到的是 "{got}"',
  'run.badTimeout': '--timeout 必须是正的毫秒数，收到的是 "{got}"',
  'run.noUseFile': '--use：{file} 处没有文件',
  'run.unknownScenario': '实验 {lab} 没有名为 "{name}" 的场景。可用的场景：{names}',
  'run.serving': '{title}：服务运行在 {address}',
  'run.tryIt': '在另一个终端里试试：',
  'run.tracedBelow': '所有连上来的东西都会在下面跟踪显示。按 Ctrl-C 停止。',
  // The workspace's README.md, which `netlab init` writes; {rows} is the table of labs.
  'init.readme': `# 我的 netlab 练习

这里的每个文件都是一道练习：一个带有 \`// TODO\` 标记的初始文件。让它做到注释里说的事，然后让 netlab 通过真实的套接字为它评分。

| 文件 | 实验 | 看演示 |
|---|---|---|
{rows}

## 命令

在这个目录里运行它们（在别处运行时，加上 \`--dir <这个目录>\`）。它们写成 \`netlab …\` 的形式，在 netlab 是你机器上的一个命令时可用（全局安装，或在 netlab 的克隆里 \`npm link\`）。\`npm run netlab -- …\` 的形式总是可用，例如 \`npm run netlab -- run tcp-echo\`：它运行安装在这个目录里的 netlab，或者创建这个目录的那个 netlab（见 \`netlab.mjs\`）。

- \`netlab run <lab>\`：观看实验的演示和它的实时跟踪；\`netlab run <lab> --use <lab>.ts\` 用你的代码代替参考实现来运行演示。
- \`netlab grade\`（或 \`npm run grade\`）为每道练习评分；\`netlab grade tcp-echo\` 只评一道。每项检查都会说明发送了什么、期望什么、收到了什么，失败时还附上事件的跟踪。退出码 0 表示全部通过。
- \`netlab watch tcp-echo\` 在你每次保存时重新评分。
- \`netlab hint <lab>\` 显示下一条提示（netlab 会记住你看过哪些）。
- \`netlab solution <lab>\` 在你的练习通过后显示参考答案。
- \`netlab reset <lab>\` 恢复初始文件（你的文件会保留为备份）。

## 你的编辑器

评分不需要在这里安装任何东西：netlab 直接运行你的 TypeScript，并允许它导入 Node 的内置模块和 \`undici\`。要在编辑器里获得类型检查和补全，在这个目录里运行一次 \`npm install\`（它会安装 \`@types/node\` 和 \`undici\`）。

每道练习放在它自己的文件里，以实验命名（\`.ts\`、\`.mts\`、\`.js\` 和 \`.mjs\` 都可以）。你的代码在自己的进程里运行，并有时间限制，所以一个错误不会让 netlab 卡住。
`,
  'grade.traceHidden': { other: '… 前面还有 {count} 行跟踪（全部跟踪：--reporter json）' },
  'grade.checkPoints': { other: '{points} 分' },
  'grade.checkInterrupted': '{title}（已中断）',
  'grade.checkSkipped': '{title}（已跳过：{reason}）',
  'grade.skipped': '已跳过',
  'grade.timedOut': '超时',
  'grade.failed': '未通过',
  'grade.traceHeading': '这项检查的跟踪：',
  'grade.solutionViewed': '在这个实验通过之前，已于 {when} 查看过参考答案（netlab solution --force）',
  'grade.stillStarter': '{file} 仍是初始文件：按其中 // TODO 注释的要求完成它，然后再评分。',
  'grade.createFile': '创建 {file}（`netlab init` 会写入初始文件），然后再评分。',
  'grade.labNotStarted': '{title}：尚未开始。{next}',
  'grade.labSkipped': '{title}：在这台机器上跳过：{reason}',
  'grade.labInterruptedChecks': '{title}：在任何一项检查完成之前被中断。',
  'grade.labInterrupted': '{title}：在评分之前被中断。',
  'grade.didNotLoad': '无法加载',
  'grade.noCheckRan': { other: '{count} 项检查都无法运行：请先修复这个问题' },
  'grade.graderError': '评分器错误',
  'grade.graderErrorNote': '（是 netlab 实验本身的问题，不是你的代码的问题）：',
  'grade.verdict.passed': '通过',
  'grade.verdict.interrupted': '已中断',
  'grade.verdict.notYet': '尚未通过',
  'grade.labChecks': { other: '{passed}/{count} 项检查' },
  'grade.labPoints': { other: '{points} 分' },
  'grade.pointsHeading': '得分',
  'grade.labsSummary': '实验：{labs}',
  'grade.listSeparator': '，',
  'grade.labs.passed': '{count} 个通过',
  'grade.labs.failed': '{count} 个尚未通过',
  'grade.labs.notStarted': '{count} 个尚未开始',
  'grade.labs.skipped': '{count} 个已跳过',
  'grade.labs.interrupted': '{count} 个已中断',
  'grade.h.notRun': '未运行：{reason}',
  'grade.h.labTimeUsed': '未运行：这个实验的时间限制（{ms} ms，`netlab grade --timeout`）已被前面的检查用完',
  'grade.h.timedOut': '{ms} ms 后超时',
  'grade.h.loadStuck': '你的模块在 {ms} ms 内没有加载完，并且停止了响应：顶层是否有忙循环（或永不结束的同步工作）？',
  'grade.h.stillLoading': '你的模块在 {ms} ms 内没有加载完：它是否在顶层 await 了一个永远不会完成的东西？如果不是，那就是 {ms} ms 不够加载它：用 `netlab grade --timeout <ms>` 多给一些时间。',
  'grade.h.blocked': '{ms} ms 后超时：你的代码停止了响应。有东西阻塞了事件循环（忙循环，或永不结束的同步工作），所以任何事件都得不到处理。',
  'grade.h.checkTimeout': '{ms} ms 后超时：检查没有完成，有件事一直没有发生（最后的事件见跟踪）。',
  'grade.h.blockedNote': '你的代码停止了响应：有东西阻塞了事件循环（忙循环，或永不结束的同步工作），所以任何事件都得不到处理。',
  'grade.h.stoppedResponding': '停止了响应',
  'grade.h.threwAtLoad': '你的模块在加载时抛出了错误，任何检查都还没来得及运行：',
  'grade.h.threw': '你的代码抛出了错误：',
  'grade.h.noAnswer': '你的代码在 {ms} ms 内没有回答：是不是在等一个永远不会来的 await（或回调）？',
  'grade.h.noAnswerBlocked': '你的代码在 {ms} ms 内没有回答，并且停止了响应：有东西阻塞了事件循环（忙循环，或永不结束的同步工作？）',
  'grade.h.crashed': '你的代码崩溃了：{stack}',
  'grade.h.exited': '你的代码的进程自己结束了（{how}）：有代码调用了 process.exit()，或者没有任何东西让它保持运行',
  'grade.h.checkEnded': '检查在等待 {what} 时结束了',
  'grade.h.waitingFor': '（评分器当时在等待 {what}）',
  'grade.h.waitedInVain': '等待 {what} {ms} ms，没有等到',
  'grade.h.connectTimeout': '在 {ms} ms 内无法连接到你位于 {address} 的服务器',
  'grade.h.connectFailed': '无法连接到你位于 {address} 的服务器：{error}',
  'grade.h.connectRefused': '无法连接到你位于 {address} 的服务器：{error}（那里已经没有程序在监听：服务器崩溃或关闭了吗？）',
  'grade.bytes': { other: '{count} 字节' },
  'grade.notStarted': '{lab}：尚未开始（用 `netlab init` 创建 {file}）',
  'grade.checks': { other: '{count} 项检查' },
  'grade.points': { other: '{count} 分' },
  'help.program': '学习用 Node.js 进行网络编程：真实的套接字、Node 所触发事件的实时跟踪、可评分的练习。',
  'help.start': '打开交互式实验（可直接打开某个实验）',
  'help.start.lab': '要打开的实验 id',
  'help.list': '按顺序列出所有实验及你的进度',
  'help.list.json': '在 stdout 上输出 NDJSON',
  'help.run': '运行一个实验的演示，并实时输出它的跟踪',
  'help.run.lab': '实验 id（见 `netlab list`）',
  'help.run.json': '在 stdout 上输出 NDJSON：每行一个跟踪事件，最后一行是结果',
  'help.run.scenario': '要运行的场景（`--scenario help` 会列出所有场景）',
  'help.run.serve': '让实验的服务器一直运行，供真实工具（nc、curl、dig）使用，直到按下 Ctrl-C',
  'help.run.use': '用你的实现代替参考实现来运行演示',
  'help.run.set': '设置一个演示选项（可重复使用）',
  'help.run.timeout': '演示的硬性时间上限',
  'help.run.allEvents': '同时显示默认隐藏的事件：流的内部事件（resume、pause、readable…）和实验的底层细节',
  'help.run.packets': '同时抓取线路上的数据包（tcpdump，在私有网络中）并显示在跟踪里',
  'help.run.diagram': '在最后把这次运行画成时序图（参与者为列，数据包为箭头）',
  'help.init': '创建你的练习工作区（默认 ./netlab-exercises）',
  'help.init.dir': '在哪里创建',
  'help.grade': '通过真实的套接字为你的练习评分（退出码 0：全部通过，1：尚未通过）',
  'help.grade.labs': '要评分的实验（默认：全部）',
  'help.dirDefault': '练习工作区（默认 ./netlab-exercises）',
  'help.grade.reporter': '输出格式',
  'help.grade.output': '把报告写入文件，而不是 stdout',
  'help.gradeTimeout': '为一个实验评分的硬性时间上限，单位毫秒（默认 60000）',
  'help.watch': '每次保存练习时重新评分（按 q 或 Ctrl-C 退出）',
  'help.watch.lab': '要监视的实验（默认：工作区中有文件的每个实验）',
  'help.watch.poll': '用轮询检查文件变化（在文件事件不起作用的地方）',
  'help.reset': '恢复实验的初始文件（你的文件会保留为备份）',
  'help.hint': '显示一个实验的下一条提示',
  'help.solution': '显示参考答案（在你的练习通过之后）',
  'help.solution.force': '在通过之前就显示（会记录在你的进度中）',
  'help.dir': '练习工作区',
  'help.lab': '实验 id',
  'help.version': '输出版本号',
  'help.lang': '所有文字使用的语言：en 或 zh-CN（默认取 NETLAB_LANG，其次是 LC_ALL / LC_MESSAGES / LANG）',
  'help.helpOption': '显示命令的帮助',
  'help.helpCommand': '显示命令的帮助',
  'help.title.usage': '用法：',
  'help.title.options': '选项：',
  'help.title.commands': '命令：',
  'help.title.arguments': '参数：',
  'help.title.globalOptions': '全局选项：',
  'help.extra.open': '（',
  'help.extra.close': '）',
  'help.extra.separator': '，',
  'help.extra.default': '默认：',
  'help.extra.choices': '可选值：',
  'cli.error.unknownCommand': "未知命令 '{name}'",
  'cli.error.unknownOption': "未知选项 '{name}'",
  'cli.error.missingArgument': "缺少必需的参数 '{name}'",
  'cli.error.optionArgumentMissing': "选项 '{name}' 缺少参数值",
  'cli.error.invalidChoice': "选项 '{name}' 的参数值 '{value}' 无效。可选值为 {choices}。",
  'cli.error.tooManyArguments': "'{name}' 的参数过多：应为 {count} 个，实际为 {got} 个。",
  'cli.error.didYouMean': '（你是想输入 {guess} 吗？）',
} satisfies Translation;
