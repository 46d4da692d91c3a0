/** Escape sequences for taking over the terminal and giving it back. */

/** Switch to the alternate screen (what was on the terminal comes back on leave) and go home. */
export const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H';
/** Back to the normal screen, cursor shown. */
export const LEAVE_ALT_SCREEN = '\x1b[?25h\x1b[?1049l';
export const HIDE_CURSOR = '\x1b[?25l';
export const CLEAR_SCREEN = '\x1b[2J\x1b[H';
export const ERASE_TO_END_OF_LINE = '\x1b[K';
