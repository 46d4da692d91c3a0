/**
 * How long a Unix socket path may be. Past the limit Node's behaviour depends on its version:
 * 20 and 22 silently truncate the name (the file lands elsewhere, clients with the full path
 * cannot reach it), 23 and later fail listen() with EINVAL. The demo and the grader refuse such
 * a path up front instead, with the same message on every version.
 */
import { msg } from '../../src/i18n/index.js';

/**
 * The longest socket path every supported platform accepts: `sun_path` holds 108 bytes on
 * Linux and 104 on macOS, including the terminating NUL.
 */
export const MAX_SOCKET_PATH = 103;

/** Why `path` cannot be a socket path (in the current language), or null when it can. */
export function socketPathTooLong(path: string): string | null {
  const bytes = Buffer.byteLength(path);
  if (bytes <= MAX_SOCKET_PATH) return null;
  return msg({
    en: `the socket path ${path} is ${bytes} bytes, over the ${MAX_SOCKET_PATH}-byte limit of Unix socket paths: set TMPDIR to a shorter directory (e.g. TMPDIR=/tmp)`,
    'zh-CN': `套接字路径 ${path} 有 ${bytes} 字节，超过了 Unix 套接字路径 ${MAX_SOCKET_PATH} 字节的上限：把 TMPDIR 设为一个更短的目录（例如 TMPDIR=/tmp）`,
  });
}
