/**
 * Whether this machine can run the lab, apart from the rest of its definition: `netlab list`
 * asks every lab that has this file, and loading only this (not the lab's demos and contracts)
 * keeps the list's start close to a bare `node`.
 */
import { msg } from '../../src/i18n/localized.js';

/** Why the lab cannot run here, or null. */
export function unsupported(): string | null {
  return process.platform === 'win32'
    ? msg({
        en: 'on Windows, net.Server#listen(path) makes a named pipe (\\\\?\\pipe\\...), not a Unix socket file: this lab needs Linux or macOS',
        'zh-CN': '在 Windows 上，net.Server#listen(path) 创建的是命名管道（\\\\?\\pipe\\...），不是 Unix 套接字文件：这个实验需要 Linux 或 macOS',
      })
    : null;
}
